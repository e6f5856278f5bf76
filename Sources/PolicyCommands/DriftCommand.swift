import ArgumentParser
import PolicyPlanner
import PolicyRendering

/// `mitto-policy drift`: compares the account with the manifests, for scheduled checks.
struct DriftCommand: PolicyCommand {
    static let configuration = CommandConfiguration(
        commandName: "drift",
        abstract: "Report objects changed, deleted or created in the account outside the manifests.",
        discussion: "Exit status: 0 in sync, 2 drift, 1 error. Made to run on a schedule."
    )

    @OptionGroup var options: GlobalOptions

    @OptionGroup var scoping: ScopeOptions

    @Option(help: "text, json or markdown.")
    var format: PlanFormat = .text

    @Argument(
        help: ArgumentHelp(
            "Manifest files or folders (default: the project's, or the current folder).", valueName: "path"))
    var paths: [String] = []

    func run(_ console: Console) async throws {
        // Drift lists unmanaged objects whatever the project allows to delete.
        let scope = scoping.scope
        let (session, plan, _) = try await PolicySession.loadAndPlan(paths: paths, options: options, console: console) {
            var planOptions = try $0.planOptions(allowDelete: false, force: true, scope: scope)
            planOptions.safety.allowDelete = false
            return planOptions
        }
        let report = DriftReport(plan: plan)
        switch format {
        case .text: console.write(DriftTextRenderer(style: session.style).render(report))
        case .json: console.write(DriftJSONRenderer().render(report))
        case .markdown: console.write(DriftMarkdownRenderer().render(report))
        }
        if !report.isInSync { throw CommandFailure.exit(2) }
    }
}
