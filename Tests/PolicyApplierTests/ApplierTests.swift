import Foundation
import MittoClient
import MittoEmulator
import MittoTestSupport
import MittoWire
import PolicyApplier
import PolicyModel
import PolicyPlanner
import Testing

@Suite("Applier: executes a plan through the API, phase by phase")
struct ApplierTests {
    static func limit(_ name: String, max: Int = 3) -> Limit {
        Limit(name: name, buckets: [.init(name: "b", max: max, interval: 60)])
    }

    static func plan(_ desired: [Limit], live: LiveState, allowDelete: Bool = true) -> Plan {
        var safety = SafetySettings()
        safety.allowDelete = allowDelete
        safety.maxDeletes = 1_000
        let manifests = ManifestSet(
            limits: desired.map { Declared($0, location: SourceLocation(file: "p.yaml", line: 1, column: 1)) }
        )
        return Planner.plan(desired: manifests, live: live, options: .init(environment: "test", safety: safety))
    }

    @Test("every change gets a result, in plan order; the account ends as planned")
    func applies() async throws {
        try await withRunningEmulator { emulator in
            try await withClient(emulator) { api in
                _ = try await api.createLimit(Self.limit("old"))
                _ = try await api.createLimit(Self.limit("keep", max: 1))
                let plan = Self.plan(
                    [Self.limit("keep", max: 2)] + (0..<20).map { Self.limit("new_\($0)") },
                    live: try await Applier.readLiveState(api)
                )
                let report = await Applier(api: api, parallelism: 4).apply(plan)
                #expect(report.succeeded)
                #expect(report.results.map(\.address) == plan.changes.map(\.address))
                #expect(report.count(.applied) == 22)
                let after = try await Applier.readLiveState(api)
                #expect(
                    Self.plan([Self.limit("keep", max: 2)] + (0..<20).map { Self.limit("new_\($0)") }, live: after)
                        .isEmpty)
            }
        }
    }

    @Test("deletes wait for every create: a failed create skips them, so protection is never absent")
    func deletesAfterCreates() async throws {
        try await withRunningEmulator { emulator in
            try await withClient(emulator, retryPolicy: .none) { api in
                _ = try await api.createLimit(Self.limit("limit_v1"))
                let plan = Self.plan([Self.limit("limit_v2")], live: try await Applier.readLiveState(api))
                #expect(
                    plan.changes.map { "\($0.action) \($0.address)" } == [
                        "create limit.limit_v2", "delete limit.limit_v1",
                    ])
                await emulator.faults.add(.init(method: "POST", path: "/2fa/limits", status: 400))
                let report = await Applier(api: api).apply(plan)
                #expect(report.results.map(\.status) == [.failed, .skipped])
                #expect(report.results[1].error == "not attempted: an earlier change failed")
                #expect(try await api.listLimits().map(\.name) == ["limit_v1"])
            }
        }
    }

    @Test("no more than `parallelism` calls are in flight at once")
    func boundedParallelism() async throws {
        try await withRunningEmulator { emulator in
            try await withClient(emulator) { api in
                let counter = InFlightCounter(api: api)
                let plan = Self.plan((0..<24).map { Self.limit("l\($0)") }, live: LiveState())
                let report = await Applier(api: counter, parallelism: 3).apply(plan)
                #expect(report.succeeded)
                #expect(await counter.peak == 3)
            }
        }
    }

    @Test("a previousName that is declared again is matched by name: the rename becomes a create")
    func renameFirst() async throws {
        try await withRunningEmulator { emulator in
            try await withClient(emulator) { api in
                _ = try await api.createLimit(Self.limit("shared"))
                let manifests = ManifestSet(limits: [
                    Declared(
                        Self.limit("renamed"), previousName: "shared",
                        location: SourceLocation(file: "p", line: 1, column: 1)),
                    Declared(Self.limit("shared", max: 9), location: SourceLocation(file: "p", line: 5, column: 1)),
                ])
                let live = try await Applier.readLiveState(api)
                let plan = Planner.plan(desired: manifests, live: live, options: .init(environment: "test"))
                // "shared" is declared again, so it matches by name and "renamed" is a create.
                #expect(plan.changes.map(\.action) == [.create, .update])
                let report = await Applier(api: api).apply(plan)
                #expect(report.succeeded)
                #expect(Set(try await api.listLimits().map(\.name)) == ["renamed", "shared"])
            }
        }
    }
}

/// A `MittoAPI` that counts how many calls run at once.
actor InFlightCounter: MittoAPI {
    let api: HTTPMittoAPI
    private(set) var current = 0
    private(set) var peak = 0

    init(api: HTTPMittoAPI) { self.api = api }

    private func enter() {
        current += 1
        peak = max(peak, current)
    }
    private func leave() { current -= 1 }

    func counted<T: Sendable>(_ body: () async throws(MittoAPIError) -> T) async throws(MittoAPIError) -> T {
        enter()
        defer { leave() }
        try? await Task.sleep(for: .milliseconds(20))
        return try await body()
    }

    func listLimits() async throws(MittoAPIError) -> [LimitResource] { try await api.listLimits() }
    func limit(sid: String) async throws(MittoAPIError) -> LimitResource { try await api.limit(sid: sid) }
    func createLimit(_ limit: Limit) async throws(MittoAPIError) -> LimitResource {
        try await counted { () throws(MittoAPIError) in try await api.createLimit(limit) }
    }
    func replaceLimit(sid: String, with limit: Limit) async throws(MittoAPIError) -> LimitResource {
        try await counted { () throws(MittoAPIError) in try await api.replaceLimit(sid: sid, with: limit) }
    }
    func deleteLimit(sid: String) async throws(MittoAPIError) { try await api.deleteLimit(sid: sid) }
    func listWorkflows() async throws(MittoAPIError) -> [WorkflowResource] { try await api.listWorkflows() }
    func workflow(sid: String) async throws(MittoAPIError) -> WorkflowResource { try await api.workflow(sid: sid) }
    func createWorkflow(_ workflow: Workflow) async throws(MittoAPIError) -> WorkflowResource {
        try await api.createWorkflow(workflow)
    }
    func replaceWorkflow(sid: String, with workflow: Workflow) async throws(MittoAPIError) -> WorkflowResource {
        try await api.replaceWorkflow(sid: sid, with: workflow)
    }
    func deleteWorkflow(sid: String) async throws(MittoAPIError) { try await api.deleteWorkflow(sid: sid) }
}
