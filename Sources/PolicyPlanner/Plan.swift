public import PolicyModel

/// What a change does to one object.
public enum ChangeAction: String, Hashable, Sendable, Codable, CaseIterable {
    /// POST a new object.
    case create
    /// PUT new fields (and possibly a new name) on an existing object.
    case update
    /// DELETE an object.
    case delete

    /// `+`, `~`, `-`, as the text plan marks them.
    public var symbol: String {
        switch self {
        case .create: "+"
        case .update: "~"
        case .delete: "-"
        }
    }
}

/// Whether a change lets more codes through or fewer, so reviewers look twice at the ones that loosen.
public enum Risk: String, Hashable, Sendable, Codable, Comparable {
    /// More sends or guesses allowed: a higher max, a shorter interval, a longer code lifetime, more attempts,
    /// a shorter code, a limit or bucket or fallback step removed.
    case loosen
    /// Fewer allowed.
    case tighten
    /// Neither, such as a new message body.
    case neutral

    /// The stronger of two labels: loosen over tighten over neutral.
    public static func < (lhs: Risk, rhs: Risk) -> Bool {
        let order: [Risk] = [.neutral, .tighten, .loosen]
        return order.firstIndex(of: lhs)! < order.firstIndex(of: rhs)!
    }
}

/// A value in a field change: a number, a text, or nothing (a field or list item that is absent on that side).
public enum FieldValue: Hashable, Sendable, Decodable, CustomStringConvertible {
    /// A whole number.
    case int(Int)
    /// Text.
    case text(String)
    /// Absent.
    case none

    /// How the text plan shows the value: numbers plain, text quoted, absence as `(none)`.
    public var description: String {
        switch self {
        case .int(let number): String(number)
        case .text(let text): "\"\(text)\""
        case .none: "(none)"
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .none
        } else if let number = try? container.decode(Int.self) {
            self = .int(number)
        } else {
            self = .text(try container.decode(String.self))
        }
    }
}

/// One field that differs between the live object and the manifest.
public struct FieldChange: Hashable, Sendable, Decodable {
    /// The field's path, as in `buckets[0].max`.
    public var field: String
    /// The live value.
    public var before: FieldValue
    /// The manifest's value.
    public var after: FieldValue
    /// What this field's change does to protection.
    public var risk: Risk
    /// A duration field, shown in units (`10m`) rather than seconds.
    public var isDuration: Bool

    private enum CodingKeys: String, CodingKey {
        case field, before, after, risk
        case isDuration = "duration"
    }

    /// Creates a field change.
    public init(field: String, before: FieldValue, after: FieldValue, risk: Risk, isDuration: Bool = false) {
        self.field = field
        self.before = before
        self.after = after
        self.risk = risk
        self.isDuration = isDuration
    }
}

/// One planned API call.
public struct PlannedChange: Hashable, Sendable, Decodable {
    /// The object, by kind and (new) name.
    public var address: ResourceAddress
    /// Create, update or delete.
    public var action: ChangeAction
    /// The live object's sid, for updates and deletes.
    public var sid: String?
    /// The live object, for updates and deletes.
    public var before: PolicyObject?
    /// The desired object, for creates and updates.
    public var after: PolicyObject?
    /// The fields that differ, for updates; every set field for creates and deletes is in `before`/`after`.
    public var fields: [FieldChange]
    /// The strongest risk of the change.
    public var risk: Risk
    /// Where the manifest declares the object; nil for deletions of unmanaged objects.
    public var source: SourceLocation?
    /// The live name when the manifest renames the object (`previousName`).
    public var renamedFrom: String?
    /// The digest of `before` when planned, checked again before a saved plan is applied.
    public var liveFingerprint: String?

    private enum CodingKeys: String, CodingKey {
        case address, action, sid, before, after, risk, source, renamedFrom, liveFingerprint
        case fields = "changedFields"
    }

    /// Creates a change.
    public init(
        address: ResourceAddress, action: ChangeAction, sid: String? = nil, before: PolicyObject? = nil,
        after: PolicyObject? = nil, fields: [FieldChange] = [], risk: Risk, source: SourceLocation? = nil,
        renamedFrom: String? = nil
    ) {
        self.address = address
        self.action = action
        self.sid = sid
        self.before = before
        self.after = after
        self.fields = fields
        self.risk = risk
        self.source = source
        self.renamedFrom = renamedFrom
        self.liveFingerprint = before?.fingerprint
    }
}

/// A live object the manifests do not declare.
public struct UnmanagedObject: Hashable, Sendable, Decodable {
    /// Why it stays.
    public enum Reason: String, Hashable, Sendable, Codable {
        /// Deletion is not allowed (`--allow-delete` / `safety.allowDelete`).
        case deletionNotAllowed = "deletion-not-allowed"
        /// Its name matches `safety.protect`.
        case protected
    }

    /// The object.
    public var address: ResourceAddress
    /// Its sid.
    public var sid: String
    /// Why it is not deleted.
    public var reason: Reason

    /// Creates an entry.
    public init(address: ResourceAddress, sid: String, reason: Reason) {
        self.address = address
        self.sid = sid
        self.reason = reason
    }
}

/// A safety threshold the plan crosses.
public struct Refusal: Hashable, Sendable, Decodable, CustomStringConvertible {
    /// `max-deletes` or `max-change-share`.
    public var rule: String
    /// What the plan measures, such as `7 deletions` or `40% of 20 live objects`.
    public var measured: String
    /// The threshold, such as `safety.maxDeletes = 5`.
    public var threshold: String
    /// How to go ahead anyway.
    public var override: String

    /// Creates a refusal.
    public init(rule: String, measured: String, threshold: String, override: String) {
        self.rule = rule
        self.measured = measured
        self.threshold = threshold
        self.override = override
    }

    /// `7 deletions exceed safety.maxDeletes = 5; pass --force to apply anyway`.
    public var description: String { "\(finding); \(override)" }

    /// `7 deletions exceed safety.maxDeletes = 5`, without the override: what an overridden refusal still says.
    public var finding: String { "\(measured) exceed \(threshold)" }
}

/// The account a plan was made against, so that a saved plan is applied to that account and no other.
public struct TargetAccount: Hashable, Sendable, Decodable, CustomStringConvertible {
    /// The API's root URL, or `embedded:` and the state folder for the embedded emulator.
    public var endpoint: String
    /// The account whose credentials are used.
    public var accountSid: String
    /// The sub-account acted on, if any.
    public var subAccount: String?

    /// Creates a target.
    public init(endpoint: String, accountSid: String, subAccount: String? = nil) {
        self.endpoint = endpoint
        self.accountSid = accountSid
        self.subAccount = subAccount
    }

    /// `account AC… (sub-account AC…) at https://…`.
    public var description: String {
        "account \(accountSid)" + (subAccount.map { " (sub-account \($0))" } ?? "") + " at \(endpoint)"
    }
}

/// The difference between manifests and an account, as the calls that remove it: deterministic, sorted data.
///
/// The one JSON shape of a plan (`plan --format json`, `plan -out`, `show --format json`, described by
/// `schemas/plan.schema.json`) is written by `PlanJSONRenderer`; a plan is read back from it with `Decodable`.
public struct Plan: Hashable, Sendable, Decodable {
    /// The version of the JSON shape: 2 records the target account and writes addresses as text.
    public static let formatVersion = 2
    /// The JSON shape's `kind`, which marks a file as a plan `apply` and `show` read.
    public static let documentKind = "mitto-policy-plan"

    /// Counts of the plan's contents.
    public struct Summary: Hashable, Sendable, Decodable {
        /// Objects to create.
        public var create: Int
        /// Objects to update.
        public var update: Int
        /// Objects to delete.
        public var delete: Int
        /// Live objects left alone.
        public var unmanaged: Int
        /// Live objects skipped by ignore patterns.
        public var ignored: Int

        /// Creates counts.
        public init(create: Int, update: Int, delete: Int, unmanaged: Int, ignored: Int) {
            self.create = create
            self.update = update
            self.delete = delete
            self.unmanaged = unmanaged
            self.ignored = ignored
        }
    }

    /// The JSON shape's version.
    public var formatVersion: Int
    /// The environment planned for.
    public var environment: String
    /// The account planned for: endpoint, account and sub-account.
    public var target: TargetAccount?
    /// For a partial plan (`--target`, `--exclude`), the objects it covers; nil when it covers every object.
    public var scope: AddressScope?
    /// The changes, in the order they are applied.
    public var changes: [PlannedChange]
    /// Live objects the manifests do not declare and that stay.
    public var unmanaged: [UnmanagedObject]
    /// Thresholds crossed; a plan with refusals is not applied unless forced.
    public var refusals: [Refusal]
    /// Whether `--force` overrode the refusals.
    public var forced: Bool
    /// How many live objects the plan was made against.
    public var liveCount: Int
    /// The counts.
    public var summary: Summary

    /// Creates a plan; the summary is computed.
    public init(
        environment: String, changes: [PlannedChange], unmanaged: [UnmanagedObject], refusals: [Refusal],
        forced: Bool, liveCount: Int, ignored: Int
    ) {
        self.formatVersion = Self.formatVersion
        self.environment = environment
        self.changes = changes
        self.unmanaged = unmanaged
        self.refusals = refusals
        self.forced = forced
        self.liveCount = liveCount
        self.summary = Summary(
            create: changes.filter { $0.action == .create }.count,
            update: changes.filter { $0.action == .update }.count,
            delete: changes.filter { $0.action == .delete }.count,
            unmanaged: unmanaged.count, ignored: ignored
        )
    }

    /// Whether there is nothing to do.
    public var isEmpty: Bool { changes.isEmpty }

    /// Whether a threshold stops the plan from being applied.
    public var isRefused: Bool { !refusals.isEmpty && !forced }
}
