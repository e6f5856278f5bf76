import Foundation
import MittoClient
import PolicyApplier
import PolicyManifest
import PolicyModel
import PolicyPlanner
import PolicyRendering
import PolicySimulation

/// The steps `plan`, `apply` and `drift` share: load and check the manifests, read the account, plan.
struct PolicySession {
    /// Warnings shown before a plan; the rest are counted.
    static let maxWarningsShown = 10

    let workspace: Workspace
    let manifests: ManifestSet
    let style: TextStyle

    /// Where the session writes: its workspace's console.
    var console: Console { workspace.console }

    /// Loads the manifests; on errors prints them on standard error and fails, on warnings prints them and goes on.
    static func load(paths: [String], options: GlobalOptions, console: Console) throws -> PolicySession {
        let workspace = Workspace.resolve(paths: paths, options: options, console: console)
        try workspace.requireUsable(noColor: options.noColor)
        return try load(workspace, options: options, whileReading: false)
    }

    /// Loads the manifests and reads the account at the same time, then plans: for a large account the parse and
    /// the read's wait each take about as long, and a plan is review latency. The read starts only when the
    /// project file is sound and every manifest path exists; when the manifests have errors it is cancelled and
    /// only those errors are shown. `plan` and `drift` use this; `apply` reads only after the manifests passed.
    static func loadAndPlan(
        paths: [String], options: GlobalOptions, console: Console, skipTests: Bool? = nil,
        planOptions: (PolicySession) throws -> PlanOptions
    ) async throws -> (PolicySession, Plan, LiveState) {
        let workspace = Workspace.resolve(paths: paths, options: options, console: console)
        try workspace.requireUsable(noColor: options.noColor)
        let found = ManifestLoader.manifestFiles(workspace.manifestPaths, base: console.directory)
        guard !workspace.diagnostics.hasErrors, !found.files.isEmpty, found.missing.isEmpty else {
            let session = try load(workspace, options: options, whileReading: false)
            if let skipTests { try session.requirePassingTests(skip: skipTests, whileReading: false) }
            let options = try planOptions(session)
            let (plan, live) = try await Target.with(session.environment, console: console) { api in
                let live = try await api.readLiveState()
                return (Planner.plan(desired: session.manifests, live: live, options: options), live)
            }
            return (session, plan, live)
        }
        let environment = workspace.environment
        // The read's failure is held, not printed, until the manifests are known to be sound.
        async let read: Result<LiveState, any Error> = {
            do {
                return .success(
                    try await Target.with(environment, console: console) { api in try await api.readLiveState() })
            } catch {
                return .failure(error)
            }
        }()
        let session = try load(workspace, options: options, whileReading: true)
        if let skipTests { try session.requirePassingTests(skip: skipTests, whileReading: true) }
        let chosen = try planOptions(session)
        let live = try await read.get()
        return (session, Planner.plan(desired: session.manifests, live: live, options: chosen), live)
    }

    /// Loads the manifests of `workspace`, as `load(paths:options:console:)` does.
    static func load(_ workspace: Workspace, options: GlobalOptions) throws -> PolicySession {
        try load(workspace, options: options, whileReading: false)
    }

    private static func load(
        _ workspace: Workspace, options: GlobalOptions, whileReading: Bool
    ) throws -> PolicySession {
        let console = workspace.console
        let loaded = workspace.loadManifests()
        let style = console.style(noColor: options.noColor)
        if !loaded.diagnostics.isEmpty {
            let renderer = DiagnosticTextRenderer(style: console.errorStyle(noColor: options.noColor))
            // Every error, but only the first warnings: `validate` lists them all.
            let errors = loaded.diagnostics.filter { $0.severity == .error }
            let warnings = loaded.diagnostics.filter { $0.severity == .warning }
            let shown = (errors + warnings.prefix(Self.maxWarningsShown)).sortedByLocation
            console.error(renderer.render(shown, sources: loaded.sources))
            if warnings.count > Self.maxWarningsShown {
                console.error(
                    "… and \(warnings.count - Self.maxWarningsShown) more warnings; "
                        + "mitto-policy validate lists them all.\n"
                )
            }
        }
        if loaded.diagnostics.hasErrors {
            if loaded.manifests.files.isEmpty && loaded.diagnostics.contains(where: { $0.code == "no-manifests" }) {
                throw CommandFailure("no manifests were read; nothing was sent to the API")
            }
            let count = loaded.diagnostics.filter { $0.severity == .error }.count
            // Reads may have been sent while the manifests loaded; nothing else was.
            throw CommandFailure(
                "the manifests have \(count) error\(count == 1 ? "" : "s"); "
                    + (whileReading
                        ? "the account was only read, and nothing was changed" : "nothing was sent to the API"))
        }
        return PolicySession(workspace: workspace, manifests: loaded.manifests, style: style)
    }

    /// Runs the policy tests before a plan is shown or applied: failures are printed on standard error and stop
    /// the command; `skip` says on standard error that they were not run.
    func requirePassingTests(skip: Bool, whileReading: Bool) throws {
        guard !manifests.tests.isEmpty else { return }
        let count = manifests.tests.count
        if skip {
            console.error("Policy tests skipped (--skip-tests): \(count) test\(count == 1 ? "" : "s") not run.\n")
            return
        }
        let results = PolicyTestRunner.run(manifests)
        let failed = results.filter { !$0.passed }
        guard !failed.isEmpty else {
            console.error("Policy tests: \(count) passed.\n")
            return
        }
        let renderer = PolicyTestTextRenderer(style: TextStyle(usesColor: style.usesColor && console.isErrorTerminal))
        console.error(renderer.render(failed))
        throw CommandFailure(
            "\(failed.count) of \(count) policy test\(count == 1 ? "" : "s") failed; "
                + (whileReading ? "the account was only read, and nothing was changed" : "nothing was sent to the API")
                + " (mitto-policy test shows them all; --skip-tests goes on without them)")
    }

    var environment: EnvironmentSettings { workspace.environment }

    /// Planning options from the project file and the command line, with the account the environment names.
    func planOptions(allowDelete: Bool, force: Bool, scope: AddressScope = AddressScope()) throws -> PlanOptions {
        var safety = workspace.project?.safety ?? SafetySettings()
        if allowDelete { safety.allowDelete = true }
        var options = PlanOptions(
            environment: environment.name, safety: safety, ignore: workspace.project?.ignore ?? IgnoreRules(),
            force: force, target: try Target.account(for: environment, console: console)
        )
        options.scope = scope
        return options
    }

    /// Reads the account and plans.
    func plan(_ api: any MittoAPI, options: PlanOptions) async throws -> Plan {
        let live = try await api.readLiveState()
        return Planner.plan(desired: manifests, live: live, options: options)
    }
}
