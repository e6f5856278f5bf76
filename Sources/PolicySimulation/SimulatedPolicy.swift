public import PolicyModel
public import PolicyPlanner

/// The limits a replay runs through, and which of them each limit name in the traffic stands for.
///
/// A limit keeps its identity (its sid) across a rename, as the emulator keeps its history: traffic recorded under
/// a limit's current name counts for it after the plan renames it. A name no limit answers to refuses nothing.
public struct SimulatedPolicy: Hashable, Sendable {
    /// One limit, with the identity reports match the two policies by.
    public struct Entry: Hashable, Sendable {
        /// The live sid, or `+NAME` for a limit the plan creates.
        public var id: String
        /// The limit.
        public var limit: Limit
    }

    /// The limits, in order of name.
    public private(set) var entries: [Entry]
    /// Limit names as traffic gives them, to the index of the entry each stands for.
    public private(set) var names: [String: Int]

    /// The account's limits as they are.
    public init(live: [LiveObject<Limit>]) {
        entries = live.sorted { $0.value.name < $1.value.name }.map { Entry(id: $0.sid, limit: $0.value) }
        names = Dictionary(entries.enumerated().map { ($1.limit.name, $0) }) { first, _ in first }
    }

    /// The limits the account would hold once `plan` is applied to `live`: updated and renamed limits with their
    /// new fields (still answering to their live names), created ones added, deleted ones gone, and the live
    /// limits no manifest declares kept unless the plan deletes them.
    public init(applying plan: Plan, to live: [LiveObject<Limit>]) {
        var limits = Dictionary(live.map { ($0.sid, $0.value) }) { first, _ in first }
        let liveNames = Dictionary(live.map { ($0.value.name, $0.sid) }) { first, _ in first }
        for change in plan.changes where change.address.kind == .limit {
            switch change.action {
            case .create:
                guard case .limit(let limit)? = change.after else { continue }
                limits["+" + limit.name] = limit
            case .update:
                guard let sid = change.sid, case .limit(let limit)? = change.after else { continue }
                limits[sid] = limit
            case .delete:
                guard let sid = change.sid else { continue }
                limits[sid] = nil
            }
        }
        entries = limits.map { Entry(id: $0.key, limit: $0.value) }.sorted {
            ($0.limit.name, $0.id) < ($1.limit.name, $1.id)
        }
        let index = Dictionary(entries.enumerated().map { ($1.id, $0) }) { first, _ in first }
        var names: [String: Int] = [:]
        // A live name stands for its limit wherever the plan takes it; the new names are answered to as well.
        for (name, sid) in liveNames {
            if let found = index[sid] { names[name] = found }
        }
        for (position, entry) in entries.enumerated() where names[entry.limit.name] == nil {
            names[entry.limit.name] = position
        }
        self.names = names
    }

    /// The entry a traffic limit name stands for.
    public func entry(named name: String) -> Int? { names[name] }
}
