import YAMLNodes

/// Replaces `${var.NAME}` and `${env:NAME}` in scalars.
enum Interpolation {
    /// A reference that names nothing.
    struct Undefined: Error {
        var reference: String
        var isEnvironment: Bool
    }

    /// The scalar with its references filled in, or itself when it has none.
    ///
    /// A scalar that is exactly one reference takes the value's type, quoted or not: `${var.burst}` and
    /// `"${var.burst}"` with `burst: 3` both read as the integer 3 (flow style needs the quotes). Text around a
    /// reference makes the result text.
    static func resolve(_ node: YAMLNode, in scope: VariableScope) throws(Undefined) -> YAMLNode {
        guard case .scalar(let text, _) = node.kind, text.contains("${") else { return node }
        var output = ""
        var rest = Substring(text)
        var wholeValue: (text: String, isText: Bool)?
        var references = 0
        while let open = rest.range(of: "${") {
            output += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                output += rest[open.lowerBound...]
                rest = ""
                break
            }
            let reference = String(rest[open.upperBound..<close])
            let value: (text: String, isText: Bool)
            if reference.hasPrefix("var.") {
                guard let variable = scope.variables[String(reference.dropFirst(4))] else {
                    throw Undefined(reference: reference, isEnvironment: false)
                }
                value = (variable.description, variable.isText)
            } else if reference.hasPrefix("env:") {
                guard let variable = scope.environment[String(reference.dropFirst(4))] else {
                    throw Undefined(reference: reference, isEnvironment: true)
                }
                value = (variable, false)
            } else {
                output += rest[open.lowerBound...close]
                rest = rest[rest.index(after: close)...]
                continue
            }
            references += 1
            wholeValue = value
            output += value.text
            rest = rest[rest.index(after: close)...]
        }
        output += rest
        let isWhole = references == 1 && wholeValue?.text == output && text.hasPrefix("${") && text.hasSuffix("}")
        let newStyle: YAMLScalarStyle = isWhole && !(wholeValue?.isText ?? true) ? .plain : .doubleQuoted
        var resolved = node
        resolved.kind = .scalar(output, newStyle)
        return resolved
    }
}
