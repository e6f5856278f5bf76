public import MittoClient
import PolicyModel
public import PolicyPlanner

/// Carries out a plan through `MittoAPI`, exactly as planned: it never re-plans.
///
/// Renames go first (a create may reuse a freed name), then the other creates and updates, then deletes, and the
/// deletes only if everything before them succeeded, so a failed create never leaves an account with neither the old
/// nor the new limit. Within a phase, up to `parallelism` calls run at once.
public struct Applier: Sendable {
    /// A step of progress, for a terminal display.
    public struct Progress: Sendable {
        /// Changes finished so far.
        public var finished: Int
        /// Changes in the plan.
        public var total: Int
        /// The result just recorded.
        public var latest: ApplyReport.Result
    }

    /// The account.
    public let api: any MittoAPI
    /// The most calls at once.
    public let parallelism: Int
    /// Told after each change.
    public let onProgress: @Sendable (Progress) -> Void

    /// Creates an applier.
    public init(api: any MittoAPI, parallelism: Int = 4, onProgress: @escaping @Sendable (Progress) -> Void = { _ in })
    {
        self.api = api
        self.parallelism = max(parallelism, 1)
        self.onProgress = onProgress
    }

    /// Applies every change of `plan` and reports each one.
    public func apply(_ plan: Plan) async -> ApplyReport {
        let renames = plan.changes.indices.filter { plan.changes[$0].renamedFrom != nil }
        let others = plan.changes.indices.filter {
            plan.changes[$0].renamedFrom == nil && plan.changes[$0].action != .delete
        }
        let deletes = plan.changes.indices.filter { plan.changes[$0].action == .delete }
        var results: [Int: ApplyReport.Result] = [:]
        var finished = 0
        for phase in [renames, others, deletes] where !phase.isEmpty {
            let blocked = results.values.contains { $0.status != .applied }
            if blocked {
                for index in phase {
                    let change = plan.changes[index]
                    results[index] = .init(
                        address: change.address, action: change.action, status: .skipped, sid: change.sid,
                        error: "not attempted: an earlier change failed"
                    )
                }
                continue
            }
            await withTaskGroup(of: (Int, ApplyReport.Result).self) { group in
                var pending = phase.makeIterator()
                var running = 0
                while running < parallelism, let index = pending.next() {
                    group.addTask { (index, await execute(plan.changes[index])) }
                    running += 1
                }
                for await (index, result) in group {
                    results[index] = result
                    finished += 1
                    onProgress(Progress(finished: finished, total: plan.changes.count, latest: result))
                    if let next = pending.next() {
                        group.addTask { (index: next, await execute(plan.changes[next])) }
                    }
                }
            }
        }
        return ApplyReport(environment: plan.environment, results: plan.changes.indices.map { results[$0]! })
    }

    private func execute(_ change: PlannedChange) async -> ApplyReport.Result {
        do {
            let sid: String? = try await call(change)
            return .init(address: change.address, action: change.action, status: .applied, sid: sid)
        } catch {
            return .init(
                address: change.address, action: change.action, status: .failed, sid: change.sid,
                error: error.description
            )
        }
    }

    private func call(_ change: PlannedChange) async throws(MittoAPIError) -> String? {
        switch (change.action, change.after) {
        case (.create, .limit(let limit)?): return try await api.createLimit(limit).sid
        case (.create, .workflow(let workflow)?): return try await api.createWorkflow(workflow).sid
        case (.update, .limit(let limit)?): return try await api.replaceLimit(sid: change.sid ?? "", with: limit).sid
        case (.update, .workflow(let workflow)?):
            return try await api.replaceWorkflow(sid: change.sid ?? "", with: workflow).sid
        case (.delete, _):
            switch change.address.kind {
            case .limit: try await api.deleteLimit(sid: change.sid ?? "")
            case .workflow: try await api.deleteWorkflow(sid: change.sid ?? "")
            }
            return change.sid
        default:
            throw MittoAPIError(
                method: "-", path: "-", reason: .invalidResponse(status: 0, reason: "the plan's change is incomplete")
            )
        }
    }
}

extension Applier {
    /// Reads the account's limits and workflows, as the planner compares them.
    public static func readLiveState(_ api: any MittoAPI) async throws(MittoAPIError) -> LiveState {
        async let limits = api.listLimits()
        async let workflows = api.listWorkflows()
        do {
            return LiveState(
                limits: try await limits.map { LiveObject(sid: $0.sid, value: $0.limit) },
                workflows: try await workflows.map { LiveObject(sid: $0.sid, value: $0.workflow) }
            )
        } catch let error as MittoAPIError {
            throw error
        } catch {
            throw MittoAPIError(method: "GET", path: "/2fa", reason: .transport(String(describing: error)))
        }
    }
}
