import ArgumentParser
import Foundation
import PolicyApplier
import PolicyManifest
import PolicyModel
import PolicyPlanner

/// `mitto-policy import`: writes chosen live objects into a manifest, to adopt an account piece by piece.
struct ImportCommand: PolicyCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Write live objects (limit.NAME, workflow.NAME) into a manifest, to adopt an account piece by piece.",
        discussion: """
            With --to FILE the objects are added to FILE (a new YAML document at its end, so its text and comments \
            stay as they are), or FILE is created; without, the manifest is printed. An address the manifests \
            already declare, or that the account does not have, is an error and nothing is written. The next plan \
            shows no change for the imported objects.
            """
    )

    @OptionGroup var options: GlobalOptions

    @Option(help: ArgumentHelp("The manifest to add the objects to (created when missing).", valueName: "file"))
    var to: String?

    @Argument(help: ArgumentHelp("Addresses of live objects: limit.NAME or workflow.NAME.", valueName: "address"))
    var addresses: [String]

    func validate() throws {
        guard !addresses.isEmpty else { throw ValidationError("name at least one address, such as limit.NAME") }
        for address in addresses where Self.parse(address) == nil {
            throw ValidationError("'\(address)' is not an address such as limit.NAME or workflow.NAME")
        }
    }

    static func parse(_ text: String) -> ResourceAddress? {
        guard let dot = text.firstIndex(of: "."), let kind = ResourceKind(rawValue: String(text[..<dot])) else {
            return nil
        }
        let name = String(text[text.index(after: dot)...])
        return PolicyRules.isValidName(name) ? ResourceAddress(kind, name) : nil
    }

    func run(_ console: Console) async throws {
        let wanted = addresses.compactMap(Self.parse)
        let workspace = Workspace.resolve(paths: [], options: options, console: console)
        try workspace.requireUsable(noColor: options.noColor)
        // What the manifests declare already: importing it again would declare it twice.
        let loaded = workspace.loadManifests()
        var declared: [ResourceAddress: SourceLocation] = [:]
        for limit in loaded.manifests.limits { declared[ResourceAddress(.limit, limit.value.name)] = limit.location }
        for workflow in loaded.manifests.workflows {
            declared[ResourceAddress(.workflow, workflow.value.name)] = workflow.location
        }
        let twice = wanted.compactMap { address in declared[address].map { "\(address) (declared at \($0))" } }
        guard twice.isEmpty else {
            throw CommandFailure(
                "already declared, so not imported: \(twice.joined(separator: ", ")); nothing was written")
        }
        let live = try await Target.with(workspace.environment, console: console) { api in
            try await api.readLiveState()
        }
        let limits = wanted.filter { $0.kind == .limit }.compactMap { address in
            live.limits.first { $0.value.name == address.name }?.value
        }
        let workflows = wanted.filter { $0.kind == .workflow }.compactMap { address in
            live.workflows.first { $0.value.name == address.name }?.value
        }
        let found = Set(
            limits.map { ResourceAddress(.limit, $0.name) } + workflows.map { ResourceAddress(.workflow, $0.name) })
        let missing = wanted.filter { !found.contains($0) }
        guard missing.isEmpty else {
            throw CommandFailure(
                "not in the account of environment '\(workspace.environment.name)': "
                    + missing.map(\.description).joined(separator: ", ") + "; nothing was written")
        }
        let text = ManifestWriter.text(limits: limits, workflows: workflows, header: nil)
        guard let to else {
            console.write(text)
            return
        }
        do {
            if let existing = FileManager.default.contents(atPath: console.path(to)) {
                // A document of its own: the file's own sections, comments and layout are left untouched.
                var appended = existing
                if let last = existing.last, last != UInt8(ascii: "\n") { appended.append(UInt8(ascii: "\n")) }
                appended.append(contentsOf: Array("---\n\(text)".utf8))
                try appended.write(to: URL(fileURLWithPath: console.path(to)), options: .atomic)
            } else {
                try text.write(toFile: console.path(to), atomically: true, encoding: .utf8)
            }
        } catch {
            throw CommandFailure("cannot write \(to): \(error)")
        }
        console.error("Imported \(wanted.map(\.description).joined(separator: ", ")) into \(to).\n")
        let read = Set(
            ManifestLoader.manifestFiles(workspace.manifestPaths, base: console.directory).files.map {
                URL(fileURLWithPath: console.path($0)).standardizedFileURL.path
            })
        if !read.contains(URL(fileURLWithPath: console.path(to)).standardizedFileURL.path) {
            console.error(
                "mitto-policy: warning: \(to) is not among the manifests plans read "
                    + "(\(workspace.manifestPaths.joined(separator: ", "))); add it, or move the objects\n")
        }
    }
}
