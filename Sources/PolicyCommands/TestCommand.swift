import ArgumentParser
import PolicyManifest
import PolicyModel
import PolicyRendering
import PolicySimulation

/// `mitto-policy test`: runs the manifests' policy tests offline.
struct TestCommand: AsyncParsableCommand {
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

    func run() async throws {
        let console = Console()
        let workspace = Workspace.resolve(paths: paths, options: options, rule: .anyPaths)
        try workspace.requireUsable(console: console, noColor: options.noColor)
        let session = try PolicySession.load(workspace, options: options, console: console)
        let results = PolicyTestRunner.run(session.manifests)
        switch format {
        case .text: console.write(PolicyTestTextRenderer(style: session.style).render(results))
        case .json: console.write(PolicyTestJSONRenderer().render(results))
        }
        if results.contains(where: { !$0.passed }) { throw ExitCode(1) }
    }
}
