extension YAMLNode: ExpressibleByStringLiteral {
    /// A string scalar, as ``init(string:)``.
    public init(stringLiteral value: String) {
        self.init(string: value)
    }
}

extension YAMLNode: ExpressibleByIntegerLiteral {
    /// An integer scalar, as ``init(int:)``.
    public init(integerLiteral value: Int) {
        self.init(int: value)
    }
}

extension YAMLNode: ExpressibleByFloatLiteral {
    /// A floating-point scalar, as ``init(double:)``.
    public init(floatLiteral value: Double) {
        self.init(double: value)
    }
}

extension YAMLNode: ExpressibleByBooleanLiteral {
    /// A boolean scalar, as ``init(bool:)``.
    public init(booleanLiteral value: Bool) {
        self.init(bool: value)
    }
}

extension YAMLNode: ExpressibleByNilLiteral {
    /// The null scalar, as ``null``.
    public init(nilLiteral: ()) {
        self = .null
    }
}

extension YAMLNode: ExpressibleByArrayLiteral {
    /// A sequence, as ``init(sequence:)``.
    public init(arrayLiteral elements: YAMLNode...) {
        self.init(sequence: elements)
    }
}

extension YAMLNode: ExpressibleByDictionaryLiteral {
    /// A mapping whose pairs keep the literal's order, as ``init(mapping:)``.
    public init(dictionaryLiteral elements: (YAMLNode, YAMLNode)...) {
        self.init(mapping: elements.map { (key: $0.0, value: $0.1) })
    }
}
