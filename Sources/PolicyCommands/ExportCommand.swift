import ArgumentParser
import Foundation
import PolicyApplier
import PolicyManifest

/// `mitto-policy export`: writes manifests from a live account, for adopting it.
struct ExportCommand: AsyncParsableCommand {
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

    func run() async throws {
        let console = Console()
        let workspace = Workspace.resolve(paths: [], options: options)
        try workspace.requireUsable(console: console, noColor: options.noColor)
        let live = try await reportingFailures {
            try await Target.with(workspace.environment) { api in try await api.readLiveState() }
        }
        let limits = live.limits.map(\.value)
        let workflows = live.workflows.map(\.value)
        guard let out else {
            console.write(ManifestWriter.text(limits: limits, workflows: workflows, header: nil))
            return
        }
        let files = ManifestWriter.files(limits: limits, workflows: workflows)
        do {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            for file in files {
                let path = (out as NSString).appendingPathComponent(file.name)
                if FileManager.default.fileExists(atPath: path) {
                    throw fail("\(path) exists; export never overwrites a file")
                }
                try file.text.write(toFile: path, atomically: true, encoding: .utf8)
                console.error("Wrote \(path)\n")
            }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw fail("cannot write to \(out): \(error)")
        }
        console.error(
            "Exported \(limits.count) limits and \(workflows.count) workflows from '\(workspace.environment.name)'.\n")
    }
}
