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

    /// Reads `limit.limit_on_phone`, as the address is written everywhere; nil for any other text.
    public init?(_ text: some StringProtocol) {
        guard let dot = text.firstIndex(of: "."), let kind = ResourceKind(rawValue: String(text[..<dot])) else {
            return nil
        }
        let name = text[text.index(after: dot)...]
        guard !name.isEmpty else { return nil }
        self.init(kind, String(name))
    }

    /// Reads the address from its text form, as saved plans and JSON output write it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let address = ResourceAddress(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "'\(text)' is not an address such as limit.NAME or workflow.NAME")
        }
        self = address
    }

    /// Writes `limit.limit_on_phone`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
