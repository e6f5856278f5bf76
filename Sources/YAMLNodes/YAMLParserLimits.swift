extension YAMLParser {
    /// Bounds that keep hostile input from exhausting memory, time or stack.
    public struct Limits: Sendable, Hashable {
        /// The most nodes that resolving `*alias`es may add, summed over the whole stream (an alias to a
        /// mapping with 10 scalar pairs adds 21 nodes). Defeats "billion laughs" alias bombs.
        public var maxAliasExpandedNodes: Int
        /// The deepest nesting of mappings and sequences allowed (a flat mapping has depth 1), counting
        /// collections brought in by aliases.
        public var maxNestingDepth: Int
        /// Whether `*alias` may be used at all; when false every alias is an error at its mark.
        public var allowsAliases: Bool

        /// Creates limits; the defaults are 1,000,000 alias-expanded nodes, a nesting depth of 256, and aliases
        /// allowed.
        public init(maxAliasExpandedNodes: Int = 1_000_000, maxNestingDepth: Int = 256, allowsAliases: Bool = true) {
            self.maxAliasExpandedNodes = maxAliasExpandedNodes
            self.maxNestingDepth = maxNestingDepth
            self.allowsAliases = allowsAliases
        }

        /// 1,000,000 alias-expanded nodes, nesting depth 256.
        public static let `default` = Limits()
    }
}
