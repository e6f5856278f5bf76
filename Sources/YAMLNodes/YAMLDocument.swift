/// One document of a YAML stream (the part between `---` markers).
public struct YAMLDocument: Sendable, Hashable {
    /// The document's root node. An empty document (`---` with nothing after it) has a null scalar root
    /// (`root.isNull`).
    public var root: YAMLNode
    /// Where the document starts (its `---` if explicit, else its first token).
    public var start: YAMLMark
    /// Where the document ends.
    public var end: YAMLMark

    /// Creates a document.
    public init(root: YAMLNode, start: YAMLMark = .unknown, end: YAMLMark = .unknown) {
        self.root = root
        self.start = start
        self.end = end
    }

    /// Documents are equal when their roots are (marks are ignored, as for ``YAMLNode``).
    public static func == (lhs: YAMLDocument, rhs: YAMLDocument) -> Bool {
        lhs.root == rhs.root
    }

    /// Hashes consistently with ``==(_:_:)``.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(root)
    }
}
