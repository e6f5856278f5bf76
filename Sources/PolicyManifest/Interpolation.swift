import YAMLNodes

/// Replaces `${var.NAME}` in manifest scalars.
///
/// Manifests never read the process environment themselves: a manifest comes in with a pull request, and whatever
/// it reads ends up in the plan, the pull-request comment and the account. Environment values enter through the
/// project file's `variables` (`window: ${env:MITTO_WINDOW}`), which the project's owner writes.
enum Interpolation {
    /// Why a reference could not be filled in.
    enum Failure: Error {
        /// `${var.NAME}` names no variable of the environment.
        case undefinedVariable(String)
        /// `${env:NAME}` written into a manifest.
        case environmentReference(String)
        /// `${var.NAME}` names a variable that reads an environment variable which is not set.
        case unsetEnvironmentVariable(variable: String, environmentVariable: String)
    }

    /// The scalar with its references filled in, or itself when it has none.
    ///
    /// A scalar that is exactly one reference takes the value's type, quoted or not: `${var.burst}` and
    /// `"${var.burst}"` with `burst: 3` both read as the integer 3 (flow style needs the quotes). A variable that
    /// reads the environment is typed as YAML types the text (`3` a number, `10m` text). Text around a reference
    /// makes the result text.
    static func resolve(_ node: YAMLNode, in scope: VariableScope) throws(Failure) -> YAMLNode {
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
                value = try variable(String(reference.dropFirst(4)), in: scope)
            } else if reference.hasPrefix("env:") {
                throw .environmentReference(String(reference.dropFirst(4)))
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

    private static func variable(_ name: String, in scope: VariableScope) throws(Failure) -> (
        text: String, isText: Bool
    ) {
        switch scope.variables[name] {
        case nil:
            throw .undefinedVariable(name)
        case .environmentVariable(let environmentVariable)?:
            guard let text = scope.environment[environmentVariable] else {
                throw .unsetEnvironmentVariable(variable: name, environmentVariable: environmentVariable)
            }
            return (text, false)
        case let value?:
            return (value.description, value.isText)
        }
    }
}
