import ArgumentParser
import Foundation
import MittoClient
import PolicyApplier
import PolicyPlanner
import PolicyRendering

/// `mitto-policy apply`: applies a saved plan exactly, or plans and asks.
struct ApplyCommand: PolicyCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Make the account match the manifests.",
        discussion: """
            With a saved plan (from plan -out FILE) it applies exactly that plan, after checking that every object \
            it touches is still as planned. Otherwise it plans, shows the plan, and asks before applying. \
            Exit status: 0 when everything was applied, 1 otherwise; run it again to finish a partial apply.
            """
    )

    @OptionGroup var options: GlobalOptions
    @OptionGroup var planning: PlanningOptions
    @OptionGroup var scoping: ScopeOptions

    @Flag(help: "Apply without asking.")
    var autoApprove = false

    @Option(help: "text, or json: the apply report as JSON on standard output (the plan goes to standard error).")
    var format: OutputFormat = .text

    @Option(help: "How many API calls at once.")
    var parallelism = 4

    @Option(help: "The most API requests per second.")
    var rate: Double = 50

    @Argument(help: ArgumentHelp("A saved plan, or manifest files or folders.", valueName: "plan-or-path"))
    var paths: [String] = []

    func validate() throws {
        guard (1...32).contains(parallelism) else { throw ValidationError("--parallelism must be between 1 and 32") }
        guard rate >= 1 else { throw ValidationError("--rate must be at least 1") }
    }

    func run(_ console: Console) async throws {
        let pacer = RequestPacer(rate: rate, burst: parallelism)
        if paths.count == 1, let saved = try SavedPlan.read(paths[0], console: console) {
            guard !scoping.scope.isPartial else {
                throw CommandFailure(
                    "--target and --exclude choose what a plan covers; a saved plan is applied as it was made")
            }
            try await applySaved(saved, console: console, pacer: pacer)
            return
        }
        let session = try PolicySession.load(paths: paths, options: options, console: console)
        try session.requirePassingTests(skip: planning.skipTests, whileReading: false)
        let autoApprove = self.autoApprove
        let parallelism = self.parallelism
        let planning = self.planning
        let scope = scoping.scope
        let planOptions = try session.planOptions(
            allowDelete: planning.allowDelete, force: planning.force, scope: scope)
        let report: ApplyReport? = try await Target.with(
            session.environment, console: console, pacer: pacer, parallelism: parallelism
        ) { api in
            let plan = try await session.plan(api, options: planOptions)
            showPlan(plan, style: session.style, console: console)
            if plan.isRefused { throw CommandFailure("the plan crosses a safety threshold; nothing was applied") }
            guard !plan.isEmpty else { return nil }
            try Self.confirm(plan, autoApprove: autoApprove, console: console)
            return await Self.execute(plan, api: api, parallelism: parallelism, console: console)
        }
        try await finish(
            report ?? ApplyReport(environment: session.environment.name, results: []), style: session.style,
            console: console, pacer: pacer)
    }

    /// Prints the report; exits 1 when a change did not succeed, 130 when Ctrl-C (or SIGTERM) stopped the run.
    private func finish(_ report: ApplyReport, style: TextStyle, console: Console, pacer: RequestPacer) async throws {
        switch format {
        case .json: console.write(ApplyReportJSONRenderer().render(report))
        case .text:
            // With no changes the plan already said so.
            if !report.results.isEmpty { console.write("\n" + ApplyReportTextRenderer(style: style).render(report)) }
        }
        if let note = await Self.pacingNote(pacer) { console.error(note) }
        if report.interrupted { throw CommandFailure.exit(130) }
        if !report.succeeded { throw CommandFailure.exit(1) }
    }

    private func applySaved(_ saved: SavedPlan, console: Console, pacer: RequestPacer) async throws {
        var options = self.options
        if let env = options.env, env != saved.plan.environment {
            throw CommandFailure("the plan was made for environment '\(saved.plan.environment)', not '\(env)'")
        }
        options.env = saved.plan.environment
        let workspace = Workspace.resolve(paths: [], options: options, console: console)
        try workspace.requireUsable(noColor: options.noColor)
        let plan = saved.plan
        if plan.isRefused {
            throw CommandFailure("the saved plan crosses a safety threshold; make it again with --force")
        }
        let style = console.style(noColor: options.noColor)
        let parallelism = self.parallelism
        let target = try Target.account(for: workspace.environment, console: console)
        guard let planned = plan.target else {
            throw CommandFailure("the saved plan does not say which account it was made for; make it again")
        }
        guard planned == target else {
            throw CommandFailure(
                "the plan was made for \(planned), but environment '\(plan.environment)' now names \(target); "
                    + "nothing was applied. Make a new plan for this account and review it.")
        }
        let report: ApplyReport? = try await Target.with(
            workspace.environment, console: console, pacer: pacer, parallelism: parallelism
        ) { api in
            let live = try await api.readLiveState()
            let found = plan.staleObjects(in: live)
            // Changes a previous, partial run already made are left out, so running the saved plan again
            // finishes it; anything else that moved refuses the whole plan.
            let done = found.filter(\.isAlreadyApplied)
            let stale = found.filter { !$0.isAlreadyApplied }
            let plan = plan.removingChanges(to: Set(done.map(\.address)))
            if !done.isEmpty && stale.isEmpty {
                console.error(
                    "Already applied, left out: \(done.map(\.address.description).joined(separator: ", "))\n"
                )
            }
            guard stale.isEmpty else {
                throw CommandFailure(
                    "the account changed since the plan was made, so it was not applied:\n"
                        + stale.map { "  \($0)" }.joined(separator: "\n")
                        + "\nMake a new plan and review it."
                )
            }
            guard !plan.isEmpty else { return nil }
            showPlan(plan, style: style, console: console)
            return await Self.execute(plan, api: api, parallelism: parallelism, console: console)
        }
        guard let report else {
            if format == .json {
                console.write(ApplyReportJSONRenderer().render(ApplyReport(environment: plan.environment, results: [])))
            } else {
                console.write("No changes. Everything in the saved plan is already applied.\n")
            }
            return
        }
        try await finish(report, style: style, console: console, pacer: pacer)
    }

    /// The plan before it is applied: on standard output, or on standard error when the output is JSON.
    private func showPlan(_ plan: Plan, style: TextStyle, console: Console) {
        let text = PlanTextRenderer(style: format == .json ? .plain : style).render(plan)
        if format == .json { console.error(text) } else { console.write(text) }
    }

    /// Says so when the client-side rate limit, rather than the API, set the pace: a quarter of the requests or
    /// more waited for it, and at that rate they needed a second or more.
    static func pacingNote(_ pacer: RequestPacer) async -> String? {
        let requests = await pacer.requests
        let delayed = await pacer.delayedRequests
        let rate = await pacer.rate
        let floor = Double(requests) / rate
        guard delayed * 4 >= requests, floor >= 1 else { return nil }
        let rateText = rate == rate.rounded() ? String(Int(rate)) : String(rate)
        return "Note: the client-side rate limit set the pace of this apply: \(requests) requests at --rate "
            + "\(rateText) take at least \(String(format: "%.1f", floor)) s, and \(delayed) of them waited for it. "
            + "Pass a higher --rate if the account's API allows more.\n"
    }

    /// Asks on the terminal; refuses to ask when nobody can answer.
    static func confirm(_ plan: Plan, autoApprove: Bool, console: Console) throws {
        guard !autoApprove else { return }
        guard console.isInputTerminal else {
            throw CommandFailure("refusing to ask for approval: standard input is not a terminal; pass --auto-approve")
        }
        console.write("\nApply these changes to environment '\(plan.environment)'? Only 'yes' is accepted: ")
        guard console.readLine()?.trimmingCharacters(in: .whitespaces) == "yes" else {
            throw CommandFailure("not applied")
        }
    }

    /// Applies with a progress line on a terminal; Ctrl-C stops new changes from starting and lets those in flight
    /// finish, so the report says what happened to each.
    static func execute(_ plan: Plan, api: any MittoAPI, parallelism: Int, console: Console) async -> ApplyReport {
        let showProgress = console.isErrorTerminal && plan.changes.count >= 10
        let started = ContinuousClock.now
        let interruption = Interruption.start(console: console) { signal in
            let again = signal == SIGINT ? "Ctrl-C again" : "signal again"
            console.error(
                "\nInterrupted: no new change starts; waiting for the changes in flight to finish "
                    + "(\(again) to quit without waiting).\n")
        }
        defer { interruption.stop() }
        let applier = Applier(
            api: api, parallelism: parallelism, isStopRequested: { interruption.isRequested },
            onProgress: { progress in
                guard showProgress else { return }
                console.error(
                    "\r"
                        + Self.progressLine(
                            finished: progress.finished, total: progress.total, elapsed: ContinuousClock.now - started)
                        + (progress.finished == progress.total ? "\n" : ""))
            }
        )
        return await applier.apply(plan)
    }

    /// `Applying: 120/1000 changes, 48.0/s, about 18s left` (padded, so a shorter line covers a longer one).
    static func progressLine(finished: Int, total: Int, elapsed: Duration) -> String {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        var line = "Applying: \(finished)/\(total) changes"
        if finished > 0 && seconds > 0 {
            let rate = Double(finished) / seconds
            line += String(format: ", %.1f/s", rate)
            if finished < total { line += ", about \(Int((Double(total - finished) / rate).rounded(.up)))s left" }
        }
        return line.padding(toLength: max(line.count, 60), withPad: " ", startingAt: 0)
    }
}
