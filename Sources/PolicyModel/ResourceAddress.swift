/// The two kinds of object a policy manages.
public enum ResourceKind: String, Hashable, Sendable, Codable, CaseIterable, Comparable {
    /// A rate cap on sends.
    case limit
    /// A delivery sequence.
    case workflow

    /// The plural, as manifests and the API write it: `limits`, `workflows`.
    public var plural: String { rawValue + "s" }

    public static func < (lhs: ResourceKind, rhs: ResourceKind) -> Bool {
        lhs == .limit && rhs == .workflow
    }
}

/// An object's identity within an account: its kind and name, written `limit.limit_on_phone`.
public struct ResourceAddress: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    /// The kind.
    public var kind: ResourceKind
    /// The name.
    public var name: String

    /// Creates an address.
    public init(_ kind: ResourceKind, _ name: String) {
        self.kind = kind
        self.name = name
    }

    /// `limit.limit_on_phone`.
    public var description: String { "\(kind.rawValue).\(name)" }

    public static func < (lhs: ResourceAddress, rhs: ResourceAddress) -> Bool {
        (lhs.kind, lhs.name) < (rhs.kind, rhs.name)
    }
}
