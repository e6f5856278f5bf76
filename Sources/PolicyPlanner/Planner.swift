public import PolicyModel

/// What the planner needs besides the two states.
public struct PlanOptions: Hashable, Sendable {
    /// The environment's name, recorded in the plan.
    public var environment: String
    /// Thresholds and protection.
    public var safety: SafetySettings
    /// Live objects to leave alone.
    public var ignore: IgnoreRules
    /// Whether crossed thresholds are overridden.
    public var force: Bool
    /// The account planned for, recorded in the plan.
    public var target: TargetAccount?
    /// The objects planned (`--target`, `--exclude`); every one by default.
    public var scope = AddressScope()

    /// Creates options.
    public init(
        environment: String, safety: SafetySettings = SafetySettings(), ignore: IgnoreRules = IgnoreRules(),
        force: Bool = false, target: TargetAccount? = nil
    ) {
        self.target = target
        self.environment = environment
        self.safety = safety
        self.ignore = ignore
        self.force = force
    }
}

/// Compares desired and live state and lists the calls that make them agree. Pure: no I/O, no clock; the same
/// inputs give the same plan.
public enum Planner {
    /// The plan that turns `live` into `desired`.
    public static func plan(desired: ManifestSet, live: LiveState, options: PlanOptions) -> Plan {
        var changes: [PlannedChange] = []
        var unmanaged: [UnmanagedObject] = []
        var ignored = 0
        for kind in ResourceKind.allCases {
            let result: KindResult
            switch kind {
            case .limit:
                result = plan(
                    desired: desired.limits, live: live.limits, kind: .limit, ignore: options.ignore.limits,
                    options: options, wrap: PolicyObject.limit, diff: FieldDiff.limit
                )
            case .workflow:
                result = plan(
                    desired: desired.workflows, live: live.workflows, kind: .workflow,
                    ignore: options.ignore.workflows, options: options, wrap: PolicyObject.workflow,
                    diff: FieldDiff.workflow
                )
            }
            changes += result.changes
            unmanaged += result.unmanaged
            ignored += result.ignored
        }
        // Creates and updates before deletes, so protection is never absent: a limit that replaces another exists
        // before the old one goes. Within an action, limits before workflows, then by name.
        func rank(_ action: ChangeAction) -> Int {
            switch action {
            case .create: 0
            case .update: 1
            case .delete: 2
            }
        }
        if options.scope.isPartial {
            changes.removeAll { !options.scope.includes($0.address, renamedFrom: $0.renamedFrom) }
            unmanaged.removeAll { !options.scope.includes($0.address) }
        }
        changes.sort { ($0.action == $1.action) ? $0.address < $1.address : rank($0.action) < rank($1.action) }
        unmanaged.sort { $0.address < $1.address }
        let managedLiveCount = live.count - ignored
        var plan = Plan(
            environment: options.environment, changes: changes, unmanaged: unmanaged,
            refusals: refusals(changes, liveCount: managedLiveCount, safety: options.safety), forced: options.force,
            liveCount: managedLiveCount, ignored: ignored
        )
        plan.target = options.target
        plan.scope = options.scope.isPartial ? options.scope : nil
        return plan
    }

    private struct KindResult {
        var changes: [PlannedChange] = []
        var unmanaged: [UnmanagedObject] = []
        var ignored = 0
    }

    /// What the planner compares: a value with a name unique among its kind.
    private typealias NamedPolicy = Hashable & Sendable & HasPolicyName

    private static func plan<Value: NamedPolicy>(
        desired: [Declared<Value>], live: [LiveObject<Value>], kind: ResourceKind, ignore: [String],
        options: PlanOptions, wrap: (Value) -> PolicyObject, diff: (Value, Value) -> [FieldChange]
    ) -> KindResult {
        var result = KindResult()
        var liveByName: [String: LiveObject<Value>] = [:]
        liveByName.reserveCapacity(live.count)
        for object in live { liveByName[object.value.name] = object }
        let desiredNames = Set(desired.map(\.value.name))
        var claimed = Set<String>()
        claimed.reserveCapacity(min(desired.count, live.count))
        for declared in desired {
            let desiredName = declared.value.name
            let address = ResourceAddress(kind, desiredName)
            var match = liveByName[desiredName]
            var renamedFrom: String?
            if match == nil, let previous = declared.previousName, let old = liveByName[previous],
                !claimed.contains(previous), !desiredNames.contains(previous)
            {
                match = old
                renamedFrom = previous
            }
            guard let match else {
                result.changes.append(
                    PlannedChange(
                        address: address, action: .create, after: wrap(declared.value),
                        risk: kind == .limit ? .tighten : .neutral, source: declared.location
                    )
                )
                continue
            }
            claimed.insert(match.value.name)
            // Equal values have no field to show; only the rest are diffed (most of a large account is unchanged).
            if match.value == declared.value && renamedFrom == nil { continue }
            let fields = diff(match.value, declared.value)
            guard !fields.isEmpty else { continue }
            result.changes.append(
                PlannedChange(
                    address: address, action: .update, sid: match.sid, before: wrap(match.value),
                    after: wrap(declared.value), fields: fields, risk: fields.map(\.risk).max() ?? .neutral,
                    source: declared.location, renamedFrom: renamedFrom
                )
            )
        }
        let allowDelete = options.safety.allowDelete
        for object in live.sorted(by: { $0.value.name < $1.value.name }) where !claimed.contains(object.value.name) {
            let objectName = object.value.name
            if Glob.matchesAny(ignore, objectName) {
                result.ignored += 1
                continue
            }
            let address = ResourceAddress(kind, objectName)
            if Glob.matchesAny(options.safety.protect, objectName) {
                result.unmanaged.append(UnmanagedObject(address: address, sid: object.sid, reason: .protected))
            } else if allowDelete {
                result.changes.append(
                    PlannedChange(
                        address: address, action: .delete, sid: object.sid, before: wrap(object.value),
                        risk: kind == .limit ? .loosen : .neutral
                    )
                )
            } else {
                result.unmanaged.append(UnmanagedObject(address: address, sid: object.sid, reason: .deletionNotAllowed))
            }
        }
        return result
    }

    /// The thresholds the changes cross, each with its measured value, the threshold and the override.
    static func refusals(_ changes: [PlannedChange], liveCount: Int, safety: SafetySettings) -> [Refusal] {
        var refusals: [Refusal] = []
        let deletes = changes.filter { $0.action == .delete }.count
        if deletes > safety.maxDeletes {
            refusals.append(
                Refusal(
                    rule: "max-deletes", measured: "\(deletes) deletions",
                    threshold: "safety.maxDeletes = \(safety.maxDeletes)",
                    override: "pass --force to apply anyway, or raise safety.maxDeletes"
                )
            )
        }
        let touched = changes.filter { $0.action != .create }.count
        if liveCount >= SafetySettings.minimumLiveObjectsForShare, liveCount > 0 {
            let share = Double(touched) / Double(liveCount)
            if share > safety.maxChangeShare {
                refusals.append(
                    Refusal(
                        rule: "max-change-share",
                        measured: "\(touched) changed or deleted of \(liveCount) live objects (\(percent(share)))",
                        threshold: "safety.maxChangeShare = \(percent(safety.maxChangeShare))",
                        override: "pass --force to apply anyway, or raise safety.maxChangeShare"
                    )
                )
            }
        }
        return refusals
    }

    static func percent(_ share: Double) -> String {
        let value = (share * 1000).rounded() / 10
        return value == value.rounded() ? "\(Int(value))%" : "\(value)%"
    }
}

/// A policy value identified by its name: the planner matches declared and live objects by it.
protocol HasPolicyName {
    /// The name, unique per account among objects of its kind.
    var name: String { get }
}

extension Limit: HasPolicyName {}
extension Workflow: HasPolicyName {}
