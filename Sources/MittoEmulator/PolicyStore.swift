import Foundation
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
    /// The policy fingerprint of the model value, which `ETag` shows and `If-Match` compares.
    var fingerprint: String { get }
}

extension LimitResource: StoredPolicyObject {
    /// Limits are stored as `.limit`.
    public static var kind: PolicyKind { .limit }
    /// The fingerprint of `limit`.
    public var fingerprint: String { limit.fingerprint }
}

extension WorkflowResource: StoredPolicyObject {
    /// Workflows are stored as `.workflow`.
    public static var kind: PolicyKind { .workflow }
    /// The fingerprint of `workflow`.
    public var fingerprint: String { workflow.fingerprint }
}

/// What a conditional replace or delete requires of the stored object, checked in the write's own transaction.
public enum WritePrecondition: Sendable, Hashable {
    /// The object exists (`If-Match: *`).
    case exists
    /// The object's fingerprint is one of these (`If-Match: "…", "…"`); an empty set admits nothing.
    case fingerprint(oneOf: Set<String>)

    /// Whether an object whose fingerprint is `fingerprint` may be written.
    public func admits(_ fingerprint: String) -> Bool {
        switch self {
        case .exists: true
        case .fingerprint(let allowed): allowed.contains(fingerprint)
        }
    }
}

/// Why the store refused a write.
public enum PolicyStoreError: Error, Hashable, Sendable {
    /// Another object of the kind in the account has the name.
    case duplicateName(String)
    /// No object has the sid.
    case notFound(String)
    /// The object's fingerprint is not one the write's precondition admits; nothing was written.
    case preconditionFailed(sid: String, current: String)
    /// The database failed; the text says how.
    case database(String)
}

/// Where the emulator keeps limits and workflows; every method is one transaction.
public protocol PolicyStore: Sendable {
    /// Adds a new object; fails with `.duplicateName` when the account has one of that name.
    func insert<Object: StoredPolicyObject>(_ object: Object) async throws(PolicyStoreError)
    /// Replaces the object with the same sid if the stored one meets `precondition` (always when nil); fails with
    /// `.notFound`, `.duplicateName` or `.preconditionFailed`.
    func replace<Object: StoredPolicyObject>(
        _ object: Object, ifMatch precondition: WritePrecondition?
    ) async throws(PolicyStoreError)
    /// Removes the object with `sid` if it meets `precondition` (always when nil); fails with `.notFound` or
    /// `.preconditionFailed`.
    func delete(_ kind: PolicyKind, sid: String, ifMatch precondition: WritePrecondition?)
        async throws(PolicyStoreError)
    /// The object with `sid`, if any.
    func object<Object: StoredPolicyObject>(_ type: Object.Type, sid: String) async throws(PolicyStoreError) -> Object?
    /// One page of the account's objects in creation order, optionally of one name, with the total count.
    func search<Object: StoredPolicyObject>(
        _ type: Object.Type, accountSid: String, name: String?, offset: Int, limit: Int
    ) async throws(PolicyStoreError) -> (items: [Object], total: Int)
    /// One page as `search` gives it, each object as the JSON the API writes for it (sorted keys, `/` unescaped).
    func searchJSON(
        _ kind: PolicyKind, accountSid: String, name: String?, offset: Int, limit: Int
    ) async throws(PolicyStoreError) -> (items: [Data], total: Int)
}

extension PolicyStore {
    /// The page from `search`, encoded.
    public func searchJSON(
        _ kind: PolicyKind, accountSid: String, name: String?, offset: Int, limit: Int
    ) async throws(PolicyStoreError) -> (items: [Data], total: Int) {
        switch kind {
        case .limit:
            let (items, total) = try await search(
                LimitResource.self, accountSid: accountSid, name: name, offset: offset, limit: limit)
            return (try items.map(Self.encodeForWire), total)
        case .workflow:
            let (items, total) = try await search(
                WorkflowResource.self, accountSid: accountSid, name: name, offset: offset, limit: limit)
            return (try items.map(Self.encodeForWire), total)
        }
    }

    private static func encodeForWire(_ object: some Encodable) throws(PolicyStoreError) -> Data {
        do { return try WireCoding.makeEncoder().encode(object) } catch { throw .database("cannot encode: \(error)") }
    }

    /// Replaces the object with the same sid, whatever is stored.
    public func replace<Object: StoredPolicyObject>(_ object: Object) async throws(PolicyStoreError) {
        try await replace(object, ifMatch: nil)
    }

    /// Removes the object with `sid`, whatever it holds.
    public func delete(_ kind: PolicyKind, sid: String) async throws(PolicyStoreError) {
        try await delete(kind, sid: sid, ifMatch: nil)
    }
}
