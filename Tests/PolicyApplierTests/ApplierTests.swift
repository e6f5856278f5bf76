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
                    live: try await api.readLiveState()
                )
                let report = await Applier(api: api, parallelism: 4).apply(plan)
                #expect(report.succeeded)
                #expect(report.results.map(\.address) == plan.changes.map(\.address))
                #expect(report.count(.applied) == 22)
                let after = try await api.readLiveState()
                #expect(
                    Self.plan([Self.limit("keep", max: 2)] + (0..<20).map { Self.limit("new_\($0)") }, live: after)
                        .isEmpty)
            }
        }
    }

    @Test("deletes wait for every create: a failed create holds them back, so protection is never absent")
    func deletesAfterCreates() async throws {
        try await withRunningEmulator { emulator in
            try await withClient(emulator, retryPolicy: .none) { api in
                _ = try await api.createLimit(Self.limit("limit_v1"))
                let plan = Self.plan([Self.limit("limit_v2")], live: try await api.readLiveState())
                #expect(
                    plan.changes.map { "\($0.action) \($0.address)" } == [
                        "create limit.limit_v2", "delete limit.limit_v1",
                    ])
                await emulator.faults.add(.init(method: "POST", path: "/2fa/limits", status: 400))
                let report = await Applier(api: api).apply(plan)
                #expect(report.results.map(\.status) == [.failed, .notStarted])
                #expect(
                    report.results[1].error
                        == "an earlier change did not succeed, and deletes wait for everything before them")
                #expect(try await api.listLimits().map(\.name) == ["limit_v1"])
            }
        }
    }

    @Test("exactly `parallelism` calls are in flight at once, no more")
    func boundedParallelism() async throws {
        try await withRunningEmulator { emulator in
            try await withClient(emulator) { api in
                // Each call waits until three are in flight (or all have started), so the peak is what the applier
                // allows, whatever the timing: fewer would show as a lower peak (after the bounded wait), more as a
                // higher one.
                let counter = InFlightCounter(api: api, holdUntil: 3, total: 24)
                let plan = Self.plan((0..<24).map { Self.limit("l\($0)") }, live: LiveState())
                let report = await Applier(api: counter, parallelism: 3).apply(plan)
                #expect(report.succeeded)
                #expect(await counter.peak == 3)
            }
        }
    }

    @Test("renames run before the other changes, so a rename is never held up by a failing create")
    func renamesFirst() async throws {
        try await withRunningEmulator { emulator in
            try await withClient(emulator) { api in
                _ = try await api.createLimit(Self.limit("old_name"))
                let manifests = ManifestSet(
                    limits: [
                        Declared(
                            Self.limit("new_name"), previousName: "old_name",
                            location: SourceLocation(file: "p", line: 1, column: 1))
                    ]
                        + (0..<4).map {
                            Declared(Self.limit("a\($0)"), location: SourceLocation(file: "p", line: 9, column: 1))
                        }
                )
                let plan = Planner.plan(
                    desired: manifests, live: try await api.readLiveState(), options: .init(environment: "t"))
                // In plan order the rename comes after the creates.
                #expect(plan.changes.map(\.action) == [.create, .create, .create, .create, .update])
                let recorder = InFlightCounter(api: api, holdUntil: 1, total: 5)
                let report = await Applier(api: recorder, parallelism: 4).apply(plan)
                #expect(report.succeeded)
                #expect(await recorder.calls.first == "PUT new_name")
                #expect(await recorder.calls.dropFirst().allSatisfy { $0.hasPrefix("POST") })
                let sids = try await api.listLimits().filter { $0.name == "new_name" }.map(\.sid)
                #expect(sids == [plan.changes[4].sid])
            }
        }
    }

    @Test("a hand edit made during an apply is reported and kept, not overwritten; the other changes go ahead")
    func handEditDuringApply() async throws {
        try await withRunningEmulator { emulator in
            try await withClient(emulator) { api in
                for index in 0..<5 { _ = try await api.createLimit(Self.limit("l\(index)", max: 3)) }
                let plan = Self.plan(
                    (0..<5).map { Self.limit("l\($0)", max: 4) }, live: try await api.readLiveState())
                #expect(plan.changes.count == 5)
                let target = try #require(plan.changes.last)
                // When the first write starts, someone raises the last limit by hand.
                let editor = InFlightCounter(api: api, holdUntil: 1, total: 5) { () async throws(MittoAPIError) in
                    _ = try await api.replaceLimit(sid: target.sid!, with: Self.limit(target.address.name, max: 50))
                }
                let report = await Applier(api: editor, parallelism: 1).apply(plan)
                #expect(report.count(.applied) == 4)
                let refused = try #require(report.results.last)
                #expect(refused.status == .failed)
                #expect(
                    refused.error
                        == "refused: it changed since the plan was made (buckets[b].max 3 → 50), and applying would "
                        + "overwrite that; make a new plan")
                let live = try await api.listLimits()
                #expect(live.map(\.limit.buckets[0].max) == [4, 4, 4, 4, 50])
            }
        }
    }

    @Test("two applies of different plans at once: each object ends as one of them says, and the other reports it")
    func concurrentApplies() async throws {
        try await withRunningEmulator { emulator in
            try await withClient(emulator) { api in
                for index in 0..<40 { _ = try await api.createLimit(Self.limit("l\(index)", max: 3)) }
                let live = try await api.readLiveState()
                let first = Self.plan((0..<40).map { Self.limit("l\($0)", max: 10) }, live: live)
                let second = Self.plan((0..<40).map { Self.limit("l\($0)", max: 20) }, live: live)
                async let one = Applier(api: api, parallelism: 4).apply(first)
                async let two = Applier(api: api, parallelism: 4).apply(second)
                let reports = await [one, two]
                let final = Dictionary(
                    uniqueKeysWithValues: try await api.listLimits().map { ($0.name, $0.limit.buckets[0].max) })
                for index in 0..<40 {
                    let address = ResourceAddress(.limit, "l\(index)")
                    let statuses = reports.map { report in report.results.first { $0.address == address }!.status }
                    // Exactly one of the two applied it, and the account holds that one's value.
                    #expect(statuses.filter { $0 == .applied }.count == 1, "l\(index): \(statuses)")
                    let winner = statuses[0] == .applied ? 10 : 20
                    #expect(final["l\(index)"] == winner, "l\(index)")
                }
            }
        }
    }

    @Test("a write whose answer never came is reported unknown, not failed, and the next plan shows what happened")
    func unknownOutcome() async throws {
        try await withRunningEmulator { emulator in
            try await withClient(emulator) { api in
                let created = try await api.createLimit(Self.limit("l", max: 3))
                let plan = Self.plan([Self.limit("l", max: 4)], live: try await api.readLiveState())
                // The update is made, and its answer held back past the applier's client's timeout (with no retry).
                try await emulator.injectFault(
                    .init(method: "PUT", path: "/2fa/limits/\(created.sid)", delay: 4, when: .afterHandling))
                let impatient = RetryPolicy(maxAttempts: 1, requestTimeout: .seconds(1))
                let report = try await withClient(emulator, retryPolicy: impatient) { applying in
                    await Applier(api: applying).apply(plan)
                }
                #expect(report.results.map(\.status) == [.unknown])
                #expect(report.results.first?.error?.contains("outcome unknown") == true)
                // A fresh read shows the write happened: nothing left to do.
                #expect(Self.plan([Self.limit("l", max: 4)], live: try await api.readLiveState()).isEmpty)
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
                let live = try await api.readLiveState()
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

/// A `MittoAPI` that counts how many writes run at once, holding each until `holdUntil` are in flight (or every one
/// of `total` has started, or a bounded wait passed), and records the writes in the order they started.
actor InFlightCounter: MittoAPI {
    let api: HTTPMittoAPI
    let holdUntil: Int
    let total: Int
    let beforeFirstWrite: (@Sendable () async throws(MittoAPIError) -> Void)?
    private(set) var current = 0
    private(set) var peak = 0
    private(set) var calls: [String] = []
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(
        api: HTTPMittoAPI, holdUntil: Int, total: Int,
        beforeFirstWrite: (@Sendable () async throws(MittoAPIError) -> Void)? = nil
    ) {
        self.api = api
        self.holdUntil = holdUntil
        self.total = total
        self.beforeFirstWrite = beforeFirstWrite
    }

    private func enter(_ call: String) async throws(MittoAPIError) {
        if calls.isEmpty, let beforeFirstWrite { try await beforeFirstWrite() }
        calls.append(call)
        current += 1
        peak = max(peak, current)
        if current >= holdUntil || calls.count >= total {
            release()
            return
        }
        await withCheckedContinuation { continuation in
            waiting.append(continuation)
            Task { [weak self] in
                try? await Task.sleep(for: .seconds(5))
                await self?.release()
            }
        }
    }

    private func release() {
        for continuation in waiting { continuation.resume() }
        waiting.removeAll()
    }

    private func leave() { current -= 1 }

    func counted<T: Sendable>(
        _ call: String, _ body: () async throws(MittoAPIError) -> T
    ) async throws(MittoAPIError) -> T {
        try await enter(call)
        defer { leave() }
        return try await body()
    }

    func listLimits() async throws(MittoAPIError) -> [LimitResource] { try await api.listLimits() }
    func limit(sid: String) async throws(MittoAPIError) -> LimitResource { try await api.limit(sid: sid) }
    func createLimit(_ limit: Limit) async throws(MittoAPIError) -> LimitResource {
        try await counted("POST \(limit.name)") { () throws(MittoAPIError) in try await api.createLimit(limit) }
    }
    func replaceLimit(sid: String, with limit: Limit, expecting fingerprint: String?)
        async throws(MittoAPIError) -> LimitResource
    {
        try await counted("PUT \(limit.name)") { () throws(MittoAPIError) in
            try await api.replaceLimit(sid: sid, with: limit, expecting: fingerprint)
        }
    }
    func deleteLimit(sid: String, expecting fingerprint: String?) async throws(MittoAPIError) {
        try await api.deleteLimit(sid: sid, expecting: fingerprint)
    }
    func listWorkflows() async throws(MittoAPIError) -> [WorkflowResource] { try await api.listWorkflows() }
    func searchSessions(startDate: String?, endDate: String?, page: Int) async throws(MittoAPIError)
        -> SearchPage<SessionDetailRecord>
    {
        try await api.searchSessions(startDate: startDate, endDate: endDate, page: page)
    }
    func workflow(sid: String) async throws(MittoAPIError) -> WorkflowResource { try await api.workflow(sid: sid) }
    func createWorkflow(_ workflow: Workflow) async throws(MittoAPIError) -> WorkflowResource {
        try await api.createWorkflow(workflow)
    }
    func replaceWorkflow(sid: String, with workflow: Workflow, expecting fingerprint: String?)
        async throws(MittoAPIError) -> WorkflowResource
    {
        try await api.replaceWorkflow(sid: sid, with: workflow, expecting: fingerprint)
    }
    func deleteWorkflow(sid: String, expecting fingerprint: String?) async throws(MittoAPIError) {
        try await api.deleteWorkflow(sid: sid, expecting: fingerprint)
    }
}
