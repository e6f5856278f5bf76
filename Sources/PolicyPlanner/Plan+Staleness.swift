public import PolicyModel

/// An object a saved plan touches that changed in the account after the plan was made.
public struct StaleObject: Hashable, Sendable, CustomStringConvertible {
    /// The object.
    public var address: ResourceAddress
    /// What changed: `was deleted`, `was created`, or the fields that differ.
    public var reason: String
    /// Whether the object already is as the plan wants it (the plan, or part of it, was applied before).
    public var isAlreadyApplied = false

    /// `limit.limit_on_phone changed since the plan was made: buckets[0].max 3 → 4`.
    public var description: String { "\(address) \(reason)" }
}

extension Plan {
    /// The objects this plan touches that no longer match what it was made against; empty when it can be applied
    /// exactly.
    public func staleObjects(in live: LiveState) -> [StaleObject] {
        var stale: [StaleObject] = []
        for change in changes {
            let current = Self.find(change, in: live)
            switch change.action {
            case .create:
                if let current {
                    let applied = current.fingerprint == change.after?.fingerprint
                    stale.append(
                        .init(
                            address: change.address,
                            reason: applied
                                ? "already matches the plan (was it applied already?)"
                                : "was created since the plan was made",
                            isAlreadyApplied: applied
                        )
                    )
                }
            case .update, .delete:
                guard let current else {
                    let applied = change.action == .delete
                    stale.append(
                        .init(
                            address: change.address,
                            reason: applied
                                ? "is already deleted (was the plan applied already?)"
                                : "was deleted since the plan was made",
                            isAlreadyApplied: applied
                        )
                    )
                    continue
                }
                guard current.fingerprint != change.liveFingerprint, let before = change.before else { continue }
                if current.fingerprint == change.after?.fingerprint {
                    stale.append(
                        .init(
                            address: change.address, reason: "already matches the plan (was it applied already?)",
                            isAlreadyApplied: true
                        )
                    )
                    continue
                }
                let fields: [FieldChange] =
                    switch (before, current) {
                    case (.limit(let old), .limit(let new)): FieldDiff.limit(old, new)
                    case (.workflow(let old), .workflow(let new)): FieldDiff.workflow(old, new)
                    default: []
                    }
                let described = fields.map { "\($0.field) \($0.before) → \($0.after)" }.joined(separator: ", ")
                stale.append(
                    .init(address: change.address, reason: "changed since the plan was made: \(described)")
                )
            }
        }
        return stale
    }

    private static func find(_ change: PlannedChange, in live: LiveState) -> PolicyObject? {
        switch change.address.kind {
        case .limit:
            let match =
                change.sid.flatMap { sid in live.limits.first { $0.sid == sid } }
                ?? (change.action == .create ? live.limits.first { $0.value.name == change.address.name } : nil)
            return match.map { .limit($0.value) }
        case .workflow:
            let match =
                change.sid.flatMap { sid in live.workflows.first { $0.sid == sid } }
                ?? (change.action == .create ? live.workflows.first { $0.value.name == change.address.name } : nil)
            return match.map { .workflow($0.value) }
        }
    }
}

extension Plan {
    /// The plan without the changes to `addresses`, with the summary counted again.
    public func removingChanges(to addresses: Set<ResourceAddress>) -> Plan {
        var plan = Plan(
            environment: environment, changes: changes.filter { !addresses.contains($0.address) },
            unmanaged: unmanaged, refusals: refusals, forced: forced, liveCount: liveCount, ignored: summary.ignored
        )
        plan.formatVersion = formatVersion
        plan.target = target
        return plan
    }
}
