import ArgumentParser
import PolicyPlanner
import PolicyRendering
import PolicySimulation

/// `mitto-policy plan`: shows what apply would change; writes nothing to the API.
struct PlanCommand: PolicyCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Compare the manifests with the account and show the changes apply would make.",
        discussion: """
            Nothing is written to the API. Exit status: 0, or 1 on an error or a refused plan; with \
            --detailed-exitcode, 2 when there are changes.
            """
    )

    @OptionGroup var options: GlobalOptions
    @OptionGroup var planning: PlanningOptions
    @OptionGroup var simulation: TrafficOptions
    @OptionGroup var scoping: ScopeOptions

    @Option(help: "text, json or markdown (for a pull-request comment).")
    var format: PlanFormat = .text

    @Option(
        name: [.customShort("o"), .customLong("out"), .customLong("out", withSingleDash: true)],
        help: ArgumentHelp("Save the plan for apply (-out as in Terraform, --out or -o).", valueName: "file")
    )
    var out: String?

    @Flag(help: "Exit 2 when there are changes, 0 when there are none.")
    var detailedExitcode = false

    @Argument(
        help: ArgumentHelp(
            "Manifest files or folders (default: the project's, or the current folder).", valueName: "path"))
    var paths: [String] = []

    func run(_ console: Console) async throws {
        let planning = self.planning
        let scope = scoping.scope
        let traffic = try simulation.readTraffic(console)
        let (session, plan, live) = try await PolicySession.loadAndPlan(
            paths: paths, options: options, console: console, skipTests: planning.skipTests
        ) { try $0.planOptions(allowDelete: planning.allowDelete, force: planning.force, scope: scope) }
        let report = simulation.report(traffic, plan: plan, live: live, environment: session.environment.name)
        switch format {
        case .text:
            var text = PlanTextRenderer(style: session.style).render(plan)
            if let report { text += "\n" + SimulationTextRenderer(style: session.style).render(report) }
            console.write(text)
        case .json: console.write(PlanJSONRenderer().render(plan, simulation: report))
        case .markdown:
            let section = report.map { SimulationMarkdownRenderer().section($0) } ?? ""
            let limit = PlanMarkdownRenderer.commentLimit - section.utf16.count
            console.write(PlanMarkdownRenderer(characterLimit: limit).render(plan) + section)
        }
        if plan.isRefused {
            throw CommandFailure(
                "the plan crosses a safety threshold"
                    + (out.map { ", so it was not saved to \($0)" } ?? "") + "; nothing can be applied from it")
        }
        if let out {
            do {
                try SavedPlan(plan: plan).write(to: out, console: console)
            } catch {
                throw CommandFailure("cannot write the plan to \(out): \(error)")
            }
            console.error(
                "Saved the plan to \(out). Apply exactly this plan with: \(Self.applyCommand(out, options: options))\n")
        }
        if detailedExitcode && !plan.isEmpty { throw CommandFailure.exit(2) }
    }
}

extension PlanCommand {
    /// The command that applies a saved plan, naming the environment and project file this plan used.
    static func applyCommand(_ file: String, options: GlobalOptions) -> String {
        var words = ["mitto-policy", "apply"]
        if let project = options.project { words += ["--project", shellQuoted(project)] }
        if let env = options.env { words += ["--env", shellQuoted(env)] }
        return (words + [shellQuoted(file)]).joined(separator: " ")
    }

    private static func shellQuoted(_ word: String) -> String {
        let plain = word.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:@+".contains($0) }
        return plain && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// The formats `plan` and `drift` write.
enum PlanFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
    case markdown
}
