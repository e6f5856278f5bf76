import Foundation
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
        guard case .scalar(let text, _) = node.kind, hasReferenceOpening(text) else { return node }
        // In ASCII text each byte is a character, so `${` and `}` are found by byte searches; other text is
        // searched by characters (`{` followed by a combining mark is not a `{`).
        let isASCII = text.utf8.allSatisfy { $0 < 0x80 }
        guard isASCII || text.contains("${") else { return node }
        var output = ""
        var rest = Substring(text)
        var wholeValue: (text: String, isText: Bool)?
        var references = 0
        while let open = isASCII ? asciiOpening(in: rest) : rest.range(of: "${") {
            output += rest[..<open.lowerBound]
            let afterOpen = rest[open.upperBound...]
            guard
                let close = isASCII ? afterOpen.utf8.firstIndex(of: UInt8(ascii: "}")) : afterOpen.firstIndex(of: "}")
            else {
                output += rest[open.lowerBound...]
                rest = ""
                break
            }
            let afterClose = isASCII ? rest.utf8.index(after: close) : rest.index(after: close)
            let reference = String(rest[open.upperBound..<close])
            let value: (text: String, isText: Bool)
            if reference.hasPrefix("var.") {
                value = try variable(String(reference.dropFirst(4)), in: scope)
            } else if reference.hasPrefix("env:") {
                throw .environmentReference(String(reference.dropFirst(4)))
            } else {
                output += rest[open.lowerBound...close]
                rest = rest[afterClose...]
                continue
            }
            references += 1
            wholeValue = value
            output += value.text
            rest = rest[afterClose...]
        }
        output += rest
        let isWhole = references == 1 && wholeValue?.text == output && text.hasPrefix("${") && text.hasSuffix("}")
        let newStyle: YAMLScalarStyle = isWhole && !(wholeValue?.isText ?? true) ? .plain : .doubleQuoted
        var resolved = node
        resolved.kind = .scalar(output, newStyle)
        return resolved
    }

    /// Whether the bytes `${` occur in `text`: a search of its UTF-8 for `$`, run on every scalar. Text without those
    /// bytes has no `${` in any sense, so the searches after it only run on the few scalars that do.
    static func hasReferenceOpening(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return false }
            var start = 0
            while start < bytes.count, let found = memchr(base + start, Int32(UInt8(ascii: "$")), bytes.count - start) {
                let next = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - base + 1
                if next < bytes.count && bytes[next] == UInt8(ascii: "{") { return true }
                start = next
            }
            return false
        }
    }

    /// Where the first `${` in ASCII text is.
    private static func asciiOpening(in text: Substring) -> Range<Substring.Index>? {
        let bytes = text.utf8
        var index = bytes.startIndex
        while let dollar = bytes[index...].firstIndex(of: UInt8(ascii: "$")) {
            index = bytes.index(after: dollar)
            guard index < bytes.endIndex else { return nil }
            if bytes[index] == UInt8(ascii: "{") { return dollar..<bytes.index(after: index) }
        }
        return nil
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
