import ArgumentParser
import PolicyManifest
import PolicyModel
import PolicyRendering
import PolicySimulation

/// `mitto-policy test`: runs the manifests' policy tests offline.
struct TestCommand: PolicyCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run the policy tests of the manifests offline: which sends are refused, which channels reached.",
        discussion: """
            Tests are declared under tests: in a manifest, or in files under the project's tests: paths. No account \
            is read. plan and apply run them first and stop when one fails (--skip-tests to go on). Exit status: 0 \
            when every test passes, 1 when one fails or the manifests have errors.
            """
    )

    @OptionGroup var options: GlobalOptions

    @Option(help: "text or json.")
    var format: OutputFormat = .text

    @Argument(
        help: ArgumentHelp(
            "Manifest files or folders (default: the project's, or the current folder).", valueName: "path"))
    var paths: [String] = []

    func run(_ console: Console) async throws {
        let workspace = Workspace.resolve(paths: paths, options: options, console: console, rule: .anyPaths)
        try workspace.requireUsable(noColor: options.noColor)
        let session = try PolicySession.load(workspace, options: options)
        let results = PolicyTestRunner.run(session.manifests)
        switch format {
        case .text: console.write(PolicyTestTextRenderer(style: session.style).render(results))
        case .json: console.write(PolicyTestJSONRenderer().render(results))
        }
        if results.contains(where: { !$0.passed }) { throw CommandFailure.exit(1) }
    }
}
