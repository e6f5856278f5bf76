import ArgumentParser
import PolicyModel
import PolicyPlanner
import PolicyRendering
import PolicySimulation

/// `mitto-policy simulate`: what the planned limits would have done to recorded traffic; writes nothing.
struct SimulateCommand: PolicyCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Replay recorded sends through the live limits and the planned ones, and show what would change.",
        discussion: """
            The live limits are read from --env (the embedded emulator by default); the planned ones are what the \
            account would hold once the plan is applied. Each send is admitted or refused exactly as the emulator \
            decides, starting with nothing counted before the traffic's first send. Key values (phone numbers, \
            e-mail and IP addresses) are masked unless --show-keys. Nothing is written to the API. Exit status: 0, \
            or 1 on an error; with --detailed-exitcode, 2 when the planned limits refuse a send the live ones \
            admit, or sends name a limit the plan deletes.
            """
    )

    @OptionGroup var options: GlobalOptions
    @OptionGroup var simulation: TrafficOptions

    @Option(help: "text, json or markdown (for a pull-request comment).")
    var format: PlanFormat = .text

    @Flag(help: "Plan deletion of live limits no manifest declares, as plan --allow-delete does.")
    var allowDelete = false

    @Flag(help: "Exit 2 when the planned limits refuse a send the live ones admit, or sends name a deleted limit.")
    var detailedExitcode = false

    @Argument(
        help: ArgumentHelp(
            "Manifest files or folders (default: the project's, or the current folder).", valueName: "path"))
    var paths: [String] = []

    func validate() throws {
        guard simulation.traffic != nil else { throw ValidationError("Missing expected argument '--traffic <file>'") }
    }

    func run(_ console: Console) async throws {
        let traffic = try simulation.readTraffic(console)!
        let allowDelete = self.allowDelete
        let (session, plan, live) = try await PolicySession.loadAndPlan(
            paths: paths, options: options, console: console
        ) { try $0.planOptions(allowDelete: allowDelete, force: true) }
        let report = simulation.report(traffic, plan: plan, live: live, environment: session.environment.name)!
        switch format {
        case .text: console.write(SimulationTextRenderer(style: session.style).render(report))
        case .json: console.write(SimulationJSONRenderer().render(report))
        case .markdown: console.write(SimulationMarkdownRenderer().render(report))
        }
        if detailedExitcode && report.refusesMore { throw CommandFailure.exit(2) }
    }
}

/// `--traffic` and `--show-keys`, which `simulate` and `plan` share.
struct TrafficOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Recorded sends to replay: JSON lines of session records (as export-traffic writes them), a saved "
                + "/2fa/search page, or CSV with a timestamp column and one column per limit.",
            valueName: "file"))
    var traffic: String?

    @Flag(help: "Show key values whole instead of masked (+4179•••••73) in the simulation.")
    var showKeys = false

    /// The traffic file, read before anything is sent; nil without `--traffic`.
    func readTraffic(_ console: Console) throws -> Traffic? {
        guard let traffic else { return nil }
        do {
            return try Traffic.read(path: traffic, base: console.directory)
        } catch {
            throw CommandFailure("\(error.description); nothing was sent to the API")
        }
    }

    /// The simulation of `traffic` through the live limits and those `plan` leaves; nil without traffic.
    func report(_ traffic: Traffic?, plan: Plan, live: LiveState, environment: String) -> SimulationReport? {
        guard let traffic, let file = self.traffic else { return nil }
        return Simulation.run(
            traffic, file: file, environment: environment, before: SimulatedPolicy(live: live.limits),
            after: SimulatedPolicy(applying: plan, to: live.limits), showKeys: showKeys)
    }
}
