extension YAMLNode: Hashable {
    /// Semantic equality: ignores marks and presentation; see ``YAMLNode``.
    public static func == (lhs: YAMLNode, rhs: YAMLNode) -> Bool {
        guard lhs.customTag == rhs.customTag else { return false }
        switch (lhs.kind, rhs.kind) {
        case (.scalar, .scalar):
            return lhs.scalarIdentity == rhs.scalarIdentity
        case (.sequence(let left), .sequence(let right)):
            return left == right
        case (.mapping(let left), .mapping(let right)):
            return left.count == right.count
                && zip(left, right).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default:
            return false
        }
    }

    /// Hashes consistently with ``==(_:_:)``.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(customTag)
        switch kind {
        case .scalar:
            hasher.combine(0)
            hasher.combine(scalarIdentity)
        case .sequence(let items):
            hasher.combine(1)
            hasher.combine(items)
        case .mapping(let pairs):
            hasher.combine(2)
            hasher.combine(pairs.count)
            for pair in pairs {
                hasher.combine(pair.key)
                hasher.combine(pair.value)
            }
        }
    }

    /// The tag if it is application-specific (not a core-schema tag or `!`), else `nil`.
    var customTag: String? {
        guard let tag, !CoreSchema.isCoreTag(tag) else { return nil }
        return tag
    }

    /// A scalar's resolved type plus a canonical spelling of its value.
    private var scalarIdentity: ScalarIdentity? {
        guard let type = scalarType, let text = scalarValue else { return nil }
        switch type {
        case .null:
            return ScalarIdentity(type: type, value: "")
        case .bool:
            return ScalarIdentity(type: type, value: CoreSchema.bool(text).map { String($0) } ?? text)
        case .int:
            return ScalarIdentity(type: type, value: CoreSchema.int(text).map { String($0) } ?? text)
        case .float:
            return ScalarIdentity(type: type, value: CoreSchema.double(text).map { String($0) } ?? text)
        case .string:
            return ScalarIdentity(type: type, value: text)
        }
    }
}

/// What scalar equality compares.
private struct ScalarIdentity: Hashable {
    var type: YAMLScalarType
    var value: String
}
