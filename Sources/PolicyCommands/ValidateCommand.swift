import ArgumentParser
import PolicyManifest
import PolicyModel
import PolicyRendering

/// `mitto-policy validate`: checks manifests and the project file offline and reports every problem.
struct ValidateCommand: PolicyCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check manifests offline and report every problem, like a compiler.",
        discussion: "Exit status: 0 when there are no errors (warnings allowed), 1 otherwise."
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
        let loaded = workspace.loadManifests()
        var files = loaded.manifests.files
        if let projectPath = workspace.projectPath { files.insert(projectPath, at: 0) }
        let report = DiagnosticsReport(
            files: files, limitCount: loaded.manifests.limits.count, workflowCount: loaded.manifests.workflows.count,
            diagnostics: loaded.diagnostics, sources: loaded.sources
        )
        switch format {
        case .text: console.write(DiagnosticTextRenderer(style: console.style(noColor: options.noColor)).render(report))
        case .json: console.write(DiagnosticJSONRenderer().render(report))
        }
        if report.errorCount > 0 { throw CommandFailure.exit(1) }
    }
}
