/// One node of a parsed (or hand-built) YAML tree: a scalar, an ordered mapping or a sequence, with the
/// source range it came from.
///
/// Mappings keep their pairs in source order and keep duplicate keys (see ``duplicateKeys()``). Aliases are
/// already resolved: an `*alias` yields a copy of the anchored node, including that node's marks.
///
/// Equality and hashing are *semantic*: marks are ignored, and scalars compare by their resolved
/// ``YAMLScalarType`` and value rather than by presentation, so `'abc'` equals `abc` and `0x10` equals `16`,
/// while `"3"` (a string) differs from `3` (an integer) and `null` differs from `"null"`.
public struct YAMLNode: Sendable {
    /// The content of a node.
    public enum Kind: Sendable {
        /// A scalar: its text (after unescaping/folding) and how it was written.
        case scalar(String, YAMLScalarStyle)
        /// A mapping, pairs in source order; duplicate keys are kept.
        case mapping([(key: YAMLNode, value: YAMLNode)])
        /// A sequence, items in source order.
        case sequence([YAMLNode])
    }

    /// The node's content.
    public var kind: Kind
    /// The explicit tag, resolved to its full form (`!!str` becomes `tag:yaml.org,2002:str`); `nil` if the
    /// node had none.
    public var tag: String?
    /// Where the node starts (for a tagged or anchored node: where its tag or anchor starts).
    public var start: YAMLMark
    /// Where the node ends (just past its last character).
    public var end: YAMLMark

    /// Creates a node. Nodes built in code get ``YAMLMark/unknown`` marks unless given others.
    public init(_ kind: Kind, tag: String? = nil, start: YAMLMark = .unknown, end: YAMLMark = .unknown) {
        self.kind = kind
        self.tag = tag
        self.start = start
        self.end = end
    }
}
