/// The type a scalar resolves to under the YAML 1.2 core schema.
///
/// Resolution uses an explicit core tag (`!!str`, `!!int`, `!!float`, `!!bool`, `!!null`) when present.
/// Otherwise non-plain scalars (quoted or block) and scalars with the non-specific tag `!` are strings, and
/// plain scalars are matched against the core schema: `null`/`Null`/`NULL`/`~`/empty, `true`/`false` (also
/// capitalised or upper case), decimal, `0o` octal and `0x` hex integers, floats including `.inf` and `.nan`;
/// anything else is a string. Scalars with any other (application-specific) tag resolve as strings; the tag
/// stays available on ``YAMLNode/tag``.
public enum YAMLScalarType: Sendable, Hashable, CaseIterable {
    /// A null value (`~`, `null`, or an empty plain scalar).
    case null
    /// A boolean (`true` or `false`).
    case bool
    /// An integer (`42`, `-7`, `0o17`, `0x1F`).
    case int
    /// A floating-point number (`1.5`, `1e3`, `.inf`, `.nan`).
    case float
    /// Any other scalar, and every quoted or block scalar.
    case string

    /// The YAML 1.2 core-schema tag for this type, e.g. `tag:yaml.org,2002:int`.
    public var coreTag: String {
        switch self {
        case .null: CoreSchema.nullTag
        case .bool: CoreSchema.boolTag
        case .int: CoreSchema.intTag
        case .float: CoreSchema.floatTag
        case .string: CoreSchema.strTag
        }
    }

    /// Resolves `text` as a *plain* (unquoted, untagged) scalar would be resolved.
    public static func resolvingPlain(_ text: String) -> YAMLScalarType {
        CoreSchema.resolvePlain(text)
    }

    /// Resolves a scalar from its text, style and optional tag (as reported by libyaml, e.g.
    /// `tag:yaml.org,2002:str` for `!!str`).
    public static func resolving(_ text: String, style: YAMLScalarStyle, tag: String?) -> YAMLScalarType {
        if let tag {
            return CoreSchema.type(forTag: tag) ?? .string
        }
        return style == .plain ? CoreSchema.resolvePlain(text) : .string
    }
}
