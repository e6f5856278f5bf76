public import MittoClient
import PolicyModel
public import PolicyPlanner

/// Carries out a plan through `MittoAPI`, exactly as planned: it never re-plans.
///
/// Renames go first, then the other creates and updates, then deletes, and the
/// deletes only if everything before them succeeded, so a failed create never leaves an account with neither the old
/// nor the new limit. Within a phase, up to `parallelism` calls run at once.
///
/// Updates and deletes are conditional on the object still being what the plan saw (the API's `If-Match` on its
/// fingerprint), checked by the API in the same transaction as the write: a change someone made meanwhile (another
/// apply, a hand edit) is refused, read back and reported, never overwritten. A create cannot overwrite anything:
/// the API refuses a name that exists.
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
    /// Asked before each change starts; once it answers true, no further change starts (Ctrl-C).
    public let isStopRequested: @Sendable () -> Bool

    /// Creates an applier.
    public init(
        api: any MittoAPI, parallelism: Int = 4, isStopRequested: @escaping @Sendable () -> Bool = { false },
        onProgress: @escaping @Sendable (Progress) -> Void = { _ in }
    ) {
        self.api = api
        self.parallelism = max(parallelism, 1)
        self.onProgress = onProgress
        self.isStopRequested = isStopRequested
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
        for (stage, phase) in [(Stage.renames, renames), (.others, others), (.deletes, deletes)] where !phase.isEmpty {
            if isStopRequested() {
                for index in phase {
                    results[index] = notStarted(plan.changes[index], reason: "the apply was interrupted")
                }
                continue
            }
            if stage == .deletes, results.values.contains(where: { $0.status != .applied }) {
                for index in phase {
                    results[index] = notStarted(
                        plan.changes[index],
                        reason: "an earlier change did not succeed, and deletes wait for everything before them")
                }
                continue
            }
            await withTaskGroup(of: (Int, ApplyReport.Result).self) { group in
                var pending = phase.makeIterator()
                var running = 0
                func startNext() {
                    while running < parallelism, let index = pending.next() {
                        if isStopRequested() {
                            results[index] = notStarted(plan.changes[index], reason: "the apply was interrupted")
                            continue
                        }
                        group.addTask { (index, await execute(plan.changes[index])) }
                        running += 1
                    }
                }
                startNext()
                for await (index, result) in group {
                    running -= 1
                    results[index] = result
                    finished += 1
                    onProgress(Progress(finished: finished, total: plan.changes.count, latest: result))
                    startNext()
                }
            }
        }
        let interrupted = results.values.contains { $0.status == .notStarted } && isStopRequested()
        return ApplyReport(
            environment: plan.environment, results: plan.changes.indices.map { results[$0]! }, interrupted: interrupted)
    }

    /// The phases, in order.
    private enum Stage { case renames, others, deletes }

    private func notStarted(_ change: PlannedChange, reason: String) -> ApplyReport.Result {
        .init(
            address: change.address, action: change.action, status: .notStarted, sid: change.sid,
            error: reason
        )
    }

    private func execute(_ change: PlannedChange) async -> ApplyReport.Result {
        do {
            let sid: String? = try await call(change)
            return .init(address: change.address, action: change.action, status: .applied, sid: sid)
        } catch let error where change.action != .create && Self.isNotAsPlanned(error) {
            // The API refused the conditional write (the object changed since the plan) or the object is gone:
            // read it to say which, and whether it already is as planned.
            do {
                if let settled = try await settle(change) { return settled }
            } catch {
                return .init(
                    address: change.address, action: change.action, status: .failed, sid: change.sid,
                    error: "refused, and reading it back to say why failed: \(error.description)"
                )
            }
            return .init(
                address: change.address, action: change.action, status: .failed, sid: change.sid,
                error: error.description
            )
        } catch {
            return .init(
                address: change.address, action: change.action, status: error.isOutcomeUnknown ? .unknown : .failed,
                sid: change.sid, error: error.description
            )
        }
    }

    /// A refused conditional write (412, said as a conflict) or an object that is no longer there (404).
    private static func isNotAsPlanned(_ error: MittoAPIError) -> Bool {
        if case .conflict = error.reason { return true }
        return error.status == 404
    }

    /// Reads the object an update or delete was refused for, and says what it is now: already as planned
    /// (applied), deleted, or changed by someone else since the plan (refused, with the fields). Nil: it is as the
    /// plan saw it after all.
    private func settle(_ change: PlannedChange) async throws(MittoAPIError) -> ApplyReport.Result? {
        guard change.action != .create, let sid = change.sid else { return nil }
        let current: PolicyObject?
        do {
            switch change.address.kind {
            case .limit: current = .limit(try await api.limit(sid: sid).limit)
            case .workflow: current = .workflow(try await api.workflow(sid: sid).workflow)
            }
        } catch let error where error.status == 404 {
            current = nil
        }
        guard let current else {
            if change.action == .delete {
                return .init(
                    address: change.address, action: .delete, status: .applied, sid: sid,
                    note: "already deleted")
            }
            return .init(
                address: change.address, action: change.action, status: .failed, sid: sid,
                error: "refused: it was deleted since the plan was made; make a new plan"
            )
        }
        if current.fingerprint == change.liveFingerprint { return nil }
        if change.action == .update, current.fingerprint == change.after?.fingerprint {
            return .init(
                address: change.address, action: change.action, status: .applied, sid: sid,
                note: "already as planned")
        }
        let fields: [FieldChange] =
            switch (change.before, current) {
            case (.limit(let old)?, .limit(let new)): FieldDiff.limit(old, new)
            case (.workflow(let old)?, .workflow(let new)): FieldDiff.workflow(old, new)
            default: []
            }
        let described = fields.map { "\($0.field) \($0.before) → \($0.after)" }.joined(separator: ", ")
        return .init(
            address: change.address, action: change.action, status: .failed, sid: sid,
            error: "refused: it changed since the plan was made (\(described)), and applying would overwrite that; "
                + "make a new plan"
        )
    }

    private func call(_ change: PlannedChange) async throws(MittoAPIError) -> String? {
        switch (change.action, change.after) {
        case (.create, .limit(let limit)?): return try await api.createLimit(limit).sid
        case (.create, .workflow(let workflow)?): return try await api.createWorkflow(workflow).sid
        // Writes are conditional on the object still being what the plan saw.
        case (.update, .limit(let limit)?):
            return try await api.replaceLimit(sid: change.sid ?? "", with: limit, expecting: change.liveFingerprint)
                .sid
        case (.update, .workflow(let workflow)?):
            return try await api.replaceWorkflow(
                sid: change.sid ?? "", with: workflow, expecting: change.liveFingerprint
            ).sid
        case (.delete, _):
            switch change.address.kind {
            case .limit: try await api.deleteLimit(sid: change.sid ?? "", expecting: change.liveFingerprint)
            case .workflow: try await api.deleteWorkflow(sid: change.sid ?? "", expecting: change.liveFingerprint)
            }
            return change.sid
        default:
            throw MittoAPIError(
                method: "-", path: "-", reason: .invalidResponse(status: 0, reason: "the plan's change is incomplete")
            )
        }
    }
}
