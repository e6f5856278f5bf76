extension YAMLNode {
    /// A string scalar. It is stored double-quoted so that it stays a string whatever its text
    /// (`"3"`, `"true"`, `""`); the emitter still writes it unquoted where that is unambiguous.
    public init(string: String) {
        self.init(.scalar(string, .doubleQuoted))
    }

    /// An integer scalar (plain, decimal).
    public init(int: Int) {
        self.init(.scalar(String(int), .plain))
    }

    /// A boolean scalar (plain `true` or `false`).
    public init(bool: Bool) {
        self.init(.scalar(bool ? "true" : "false", .plain))
    }

    /// A floating-point scalar (plain; `.inf`, `-.inf` and `.nan` for the special values).
    public init(double: Double) {
        let text: String
        if double.isNaN {
            text = ".nan"
        } else if double.isInfinite {
            text = double < 0 ? "-.inf" : ".inf"
        } else {
            text = String(double)
        }
        self.init(.scalar(text, .plain))
    }

    /// A mapping with the given pairs, in order.
    public init(mapping pairs: [(key: YAMLNode, value: YAMLNode)]) {
        self.init(.mapping(pairs))
    }

    /// A sequence with the given items, in order.
    public init(sequence items: [YAMLNode]) {
        self.init(.sequence(items))
    }

    /// The null scalar (plain `null`).
    public static let null = YAMLNode(.scalar("null", .plain))
}
