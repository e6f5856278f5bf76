import MittoWire

/// The kinds of policy object the emulator stores.
public enum PolicyKind: String, Sendable, CaseIterable {
    /// Limits, sids starting `LM`.
    case limit
    /// Workflows, sids starting `WF`.
    case workflow

    /// The two letters every sid of this kind starts with.
    public var sidPrefix: String {
        switch self {
        case .limit: "LM"
        case .workflow: "WF"
        }
    }
}

/// A limit or workflow resource as the store keeps it.
public protocol StoredPolicyObject: ListedResource {
    /// The kind, which selects the rows this type lives in.
    static var kind: PolicyKind { get }
    /// The object's sid.
    var sid: String { get }
    /// The owning account.
    var accountSid: String { get }
    /// The name, unique per account and kind.
    var name: String { get }
    /// When it was created, kept across replaces.
    var dateCreated: String { get }
}

extension LimitResource: StoredPolicyObject {
    /// Limits are stored as `.limit`.
    public static var kind: PolicyKind { .limit }
}

extension WorkflowResource: StoredPolicyObject {
    /// Workflows are stored as `.workflow`.
    public static var kind: PolicyKind { .workflow }
}

/// Why the store refused a write.
public enum PolicyStoreError: Error, Hashable, Sendable {
    /// Another object of the kind in the account has the name.
    case duplicateName(String)
    /// No object has the sid.
    case notFound(String)
    /// The database failed; the text says how.
    case database(String)
}

/// Where the emulator keeps limits and workflows; every method is one transaction.
public protocol PolicyStore: Sendable {
    /// Adds a new object; fails with `.duplicateName` when the account has one of that name.
    func insert<Object: StoredPolicyObject>(_ object: Object) async throws(PolicyStoreError)
    /// Replaces the object with the same sid; fails with `.notFound` or `.duplicateName`.
    func replace<Object: StoredPolicyObject>(_ object: Object) async throws(PolicyStoreError)
    /// Removes the object with `sid`; fails with `.notFound`.
    func delete(_ kind: PolicyKind, sid: String) async throws(PolicyStoreError)
    /// The object with `sid`, if any.
    func object<Object: StoredPolicyObject>(_ type: Object.Type, sid: String) async throws(PolicyStoreError) -> Object?
    /// One page of the account's objects in creation order, optionally of one name, with the total count.
    func search<Object: StoredPolicyObject>(
        _ type: Object.Type, accountSid: String, name: String?, offset: Int, limit: Int
    ) async throws(PolicyStoreError) -> (items: [Object], total: Int)
}
