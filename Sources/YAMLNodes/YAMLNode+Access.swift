extension YAMLNode {
    /// The scalar's text, whatever its type or style; `nil` for mappings and sequences.
    public var scalarValue: String? {
        if case .scalar(let text, _) = kind { return text }
        return nil
    }

    /// The scalar's style; `nil` for mappings and sequences.
    public var scalarStyle: YAMLScalarStyle? {
        if case .scalar(_, let style) = kind { return style }
        return nil
    }

    /// The mapping's pairs in source order (duplicates included); `nil` for other kinds.
    public var mappingPairs: [(key: YAMLNode, value: YAMLNode)]? {
        if case .mapping(let pairs) = kind { return pairs }
        return nil
    }

    /// The sequence's items in source order; `nil` for other kinds.
    public var sequenceItems: [YAMLNode]? {
        if case .sequence(let items) = kind { return items }
        return nil
    }

    /// `true` for scalars.
    public var isScalar: Bool { scalarValue != nil }
    /// `true` for mappings.
    public var isMapping: Bool { mappingPairs != nil }
    /// `true` for sequences.
    public var isSequence: Bool { sequenceItems != nil }

    /// The scalar's type under the YAML 1.2 core schema (see ``YAMLScalarType``); `nil` for collections.
    public var scalarType: YAMLScalarType? {
        guard case .scalar(let text, let style) = kind else { return nil }
        return YAMLScalarType.resolving(text, style: style, tag: tag)
    }

    /// The value of the first pair whose key is a scalar with text `key` (quoted or not); `nil` if this is
    /// not a mapping or no such key exists. Use ``mappingPairs`` to see every pair, duplicates included.
    public subscript(key: String) -> YAMLNode? {
        guard case .mapping(let pairs) = kind else { return nil }
        return pairs.first { $0.key.scalarValue == key }?.value
    }

    /// The sequence item at `index`; `nil` if this is not a sequence or `index` is out of range.
    public subscript(index: Int) -> YAMLNode? {
        guard case .sequence(let items) = kind, items.indices.contains(index) else { return nil }
        return items[index]
    }

    /// `true` for a null scalar: plain `null`, `Null`, `NULL`, `~` or nothing at all, or `!!null`.
    /// A quoted `"null"` is a string, not null.
    public var isNull: Bool { scalarType == .null }

    /// The boolean value of a `true`/`false` scalar (also `True`/`TRUE`/`False`/`FALSE`), plain or tagged
    /// `!!bool`; `nil` otherwise (a quoted `"true"` is a string).
    public var bool: Bool? {
        guard scalarType == .bool, let text = scalarValue else { return nil }
        return CoreSchema.bool(text)
    }

    /// The value of an integer scalar (`42`, `-7`, `+3`, `0o17`, `0x1F`), plain or tagged `!!int`; `nil` for
    /// anything else, including quoted `"42"`, floats and integers that overflow `Int`.
    public var int: Int? {
        guard scalarType == .int, let text = scalarValue else { return nil }
        return CoreSchema.int(text)
    }

    /// The value of a float or integer scalar (`1.5`, `1e3`, `.inf`, `.nan`, `42`), plain or tagged; `nil`
    /// otherwise.
    public var double: Double? {
        guard let type = scalarType, type == .float || type == .int, let text = scalarValue else { return nil }
        return CoreSchema.double(text)
    }

    /// The text of a scalar that resolves to a string (quoted, block, or plain text that is not null, a
    /// boolean or a number); `nil` otherwise. Use ``scalarValue`` for the raw text of any scalar.
    public var string: String? {
        scalarType == .string ? scalarValue : nil
    }
}
