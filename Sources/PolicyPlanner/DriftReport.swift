import PolicyModel

/// How a live account differs from its manifests, for scheduled checks: objects changed by hand, declared objects
/// that are gone, and objects created outside the manifests.
public struct DriftReport: Hashable, Sendable {
    /// The version of the JSON shape.
    public static let formatVersion = 1

    /// The JSON shape's version.
    public var formatVersion: Int
    /// The environment checked.
    public var environment: String
    /// Declared objects whose live fields differ, with the differing fields.
    public var changed: [PlannedChange]
    /// Declared objects the account does not have.
    public var missing: [PlannedChange]
    /// Live objects no manifest declares (ignore patterns excepted).
    public var unmanaged: [UnmanagedObject]
    /// For a partial check (`--target`, `--exclude`), the objects it covers.
    public var scope: AddressScope?

    /// The drift in `plan`, which must have been made without deletions allowed so unmanaged objects are listed.
    public init(plan: Plan) {
        formatVersion = Self.formatVersion
        environment = plan.environment
        changed = plan.changes.filter { $0.action == .update }
        missing = plan.changes.filter { $0.action == .create }
        unmanaged = plan.unmanaged
        scope = plan.scope
    }

    /// Whether the account matches its manifests.
    public var isInSync: Bool { changed.isEmpty && missing.isEmpty && unmanaged.isEmpty }
}
