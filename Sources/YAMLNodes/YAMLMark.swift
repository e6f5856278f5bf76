/// A position in YAML source text.
///
/// `line` and `column` are 1-based (the first character of a file is at line 1, column 1), matching what
/// editors and compilers show. `column` counts Unicode scalars, not bytes, so a line starting with `é: 1`
/// has its `:` at column 2. `offset` is the 0-based byte offset into the UTF-8 input.
public struct YAMLMark: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// 1-based line number; `0` only for ``YAMLMark/unknown``.
    public var line: Int
    /// 1-based column, counted in Unicode scalars; `0` only for ``YAMLMark/unknown``.
    public var column: Int
    /// 0-based byte offset into the UTF-8 input.
    public var offset: Int

    /// Creates a mark from 1-based `line` and `column` and a 0-based byte `offset`.
    public init(line: Int, column: Int, offset: Int) {
        self.line = line
        self.column = column
        self.offset = offset
    }

    /// The mark given to nodes that were built in code rather than parsed (line 0, column 0, offset 0).
    public static let unknown = YAMLMark(line: 0, column: 0, offset: 0)

    /// `true` unless this is ``YAMLMark/unknown``.
    public var isKnown: Bool { line > 0 }

    /// Human-readable position, e.g. `line 3, column 7`.
    public var description: String { "line \(line), column \(column)" }

    /// Orders marks by position in the source.
    public static func < (lhs: YAMLMark, rhs: YAMLMark) -> Bool {
        (lhs.line, lhs.column, lhs.offset) < (rhs.line, rhs.column, rhs.offset)
    }
}
