import ArgumentParser
import Foundation
import PolicyApplier
import PolicyManifest

/// `mitto-policy export`: writes manifests from a live account, for adopting it.
struct ExportCommand: PolicyCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write manifests of the account's limits and workflows, for adopting an existing account.",
        discussion: """
            With --out DIR it writes DIR/limits.yaml and DIR/workflows.yaml; without, one manifest on standard \
            output. A plan against the exported manifests shows no changes.
            """
    )

    @OptionGroup var options: GlobalOptions

    @Option(help: ArgumentHelp("A folder to write limits.yaml and workflows.yaml into.", valueName: "dir"))
    var out: String?

    func run(_ console: Console) async throws {
        let workspace = Workspace.resolve(paths: [], options: options, console: console)
        try workspace.requireUsable(noColor: options.noColor)
        let live = try await Target.with(workspace.environment, console: console) { api in
            try await api.readLiveState()
        }
        let limits = live.limits.map(\.value)
        let workflows = live.workflows.map(\.value)
        guard let out else {
            console.write(ManifestWriter.text(limits: limits, workflows: workflows, header: nil))
            return
        }
        let files = ManifestWriter.files(limits: limits, workflows: workflows)
        do {
            try FileManager.default.createDirectory(atPath: console.path(out), withIntermediateDirectories: true)
            for file in files {
                let path = (out as NSString).appendingPathComponent(file.name)
                if FileManager.default.fileExists(atPath: console.path(path)) {
                    throw CommandFailure("\(path) exists; export never overwrites a file")
                }
                try file.text.write(toFile: console.path(path), atomically: true, encoding: .utf8)
                console.error("Wrote \(path)\n")
            }
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw CommandFailure("cannot write to \(out): \(error)")
        }
        console.error(
            "Exported \(limits.count) limits and \(workflows.count) workflows from '\(workspace.environment.name)'.\n")
    }
}
