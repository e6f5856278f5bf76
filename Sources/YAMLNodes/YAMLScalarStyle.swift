/// How a scalar was written in the source.
///
/// Only ``plain`` scalars are subject to implicit typing: `3` is an integer and `~` is null, while `"3"`,
/// `'~'` and block scalars are always strings (unless explicitly tagged).
public enum YAMLScalarStyle: Sendable, Hashable, CaseIterable {
    /// Unquoted, e.g. `key: value`.
    case plain
    /// Single-quoted, e.g. `'value'`.
    case singleQuoted
    /// Double-quoted with escapes, e.g. `"value\n"`.
    case doubleQuoted
    /// Literal block scalar (`|`).
    case literal
    /// Folded block scalar (`>`).
    case folded

    /// `true` for every style except ``plain``.
    public var isQuotedOrBlock: Bool { self != .plain }
}
