/// YAML 1.2 core-schema tags and implicit resolution of plain scalars.
enum CoreSchema {
    /// Prefix shared by all `!!` tags.
    static let tagPrefix = "tag:yaml.org,2002:"
    /// `!!null`.
    static let nullTag = tagPrefix + "null"
    /// `!!bool`.
    static let boolTag = tagPrefix + "bool"
    /// `!!int`.
    static let intTag = tagPrefix + "int"
    /// `!!float`.
    static let floatTag = tagPrefix + "float"
    /// `!!str`.
    static let strTag = tagPrefix + "str"
    /// `!!map`.
    static let mapTag = tagPrefix + "map"
    /// `!!seq`.
    static let seqTag = tagPrefix + "seq"

    /// The scalar type named by a core tag (or `!`, which means string); `nil` for any other tag.
    static func type(forTag tag: String) -> YAMLScalarType? {
        switch tag {
        case nullTag: .null
        case boolTag: .bool
        case intTag: .int
        case floatTag: .float
        case strTag, "!": .string
        default: nil
        }
    }

    /// `true` for tags that carry no information beyond what the core schema already expresses.
    static func isCoreTag(_ tag: String) -> Bool {
        tag == "!" || tag == mapTag || tag == seqTag || type(forTag: tag) != nil
    }

    /// Resolves a plain scalar per the YAML 1.2 core schema.
    ///
    /// The first byte decides which forms are possible: nulls start with `~`, `n` or `N` (or are empty), booleans
    /// with `t`, `T`, `f` or `F`, numbers with a digit, a sign or a point. Most text starts with none of these and
    /// is a string without further checks.
    static func resolvePlain(_ text: String) -> YAMLScalarType {
        guard let first = text.utf8.first else { return .null }
        switch first {
        case UInt8(ascii: "~"), UInt8(ascii: "n"), UInt8(ascii: "N"):
            return isNull(text) ? .null : .string
        case UInt8(ascii: "t"), UInt8(ascii: "T"), UInt8(ascii: "f"), UInt8(ascii: "F"):
            return bool(text) != nil ? .bool : .string
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."):
            if isInt(text) { return .int }
            if isFloat(text) { return .float }
            return .string
        default:
            return .string
        }
    }

    /// `null | Null | NULL | ~ | (empty)`.
    static func isNull(_ text: String) -> Bool {
        switch text {
        case "", "~", "null", "Null", "NULL": true
        default: false
        }
    }

    /// `true | True | TRUE | false | False | FALSE`.
    static func bool(_ text: String) -> Bool? {
        switch text {
        case "true", "True", "TRUE": true
        case "false", "False", "FALSE": false
        default: nil
        }
    }

    /// `[-+]? [0-9]+ | 0o [0-7]+ | 0x [0-9a-fA-F]+`.
    static func isInt(_ text: String) -> Bool {
        withUTF8(text) { bytes in
            if bytes.count > 2, bytes[0] == UInt8(ascii: "0") {
                if bytes[1] == UInt8(ascii: "o") { return bytes[2...].allSatisfy { $0 >= 0x30 && $0 <= 0x37 } }
                if bytes[1] == UInt8(ascii: "x") { return bytes[2...].allSatisfy(isHexDigit) }
            }
            var digits = bytes[...]
            if let first = digits.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
                digits = digits.dropFirst()
            }
            return !digits.isEmpty && digits.allSatisfy(isDigit)
        }
    }

    /// The value of a core-schema integer, or `nil` if `text` is not one or does not fit in `Int`.
    static func int(_ text: String) -> Int? {
        guard isInt(text) else { return nil }
        if text.hasPrefix("0o") { return Int(text.dropFirst(2), radix: 8) }
        if text.hasPrefix("0x") { return Int(text.dropFirst(2), radix: 16) }
        return Int(text)
    }

    /// `[-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`, `[-+]? \.inf`, `\.nan`
    /// (with the capitalised and upper-case spellings).
    static func isFloat(_ text: String) -> Bool {
        if specialFloat(text) != nil { return true }
        return withUTF8(text) { isFloat(bytes: $0) }
    }

    /// ``isFloat(_:)`` without the special values, over the text's UTF-8.
    private static func isFloat(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        func skipDigits() -> Int {
            let begin = index
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            return index - begin
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            index += 1
        }
        let integerDigits = skipDigits()
        var fractionDigits = 0
        var hasPoint = false
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            hasPoint = true
            index += 1
            fractionDigits = skipDigits()
        }
        if integerDigits == 0 && (!hasPoint || fractionDigits == 0) { return false }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
                index += 1
            }
            if skipDigits() == 0 { return false }
        }
        return index == bytes.count
    }

    /// The value of a core-schema float (integers included), or `nil`.
    static func double(_ text: String) -> Double? {
        if let special = specialFloat(text) { return special }
        if isInt(text) {
            if let value = int(text) { return Double(value) }
            return text.hasPrefix("0o") || text.hasPrefix("0x") ? nil : Double(text)
        }
        guard isFloat(text) else { return nil }
        // Swift's parser wants a digit before the exponent ("1.e5" → "1.0e5", ".5" is accepted).
        return Double(text) ?? Double(text.replacingFirstPointBeforeExponent())
    }

    /// `.inf`, `-.inf`, `+.inf` and `.nan` in their three spellings.
    private static func specialFloat(_ text: String) -> Double? {
        // Each spelling is 4 or 5 bytes long and starts with a point or a sign.
        guard (4...5).contains(text.utf8.count), let first = text.utf8.first,
            first == UInt8(ascii: ".") || first == UInt8(ascii: "-") || first == UInt8(ascii: "+")
        else { return nil }
        return switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": .infinity
        case "-.inf", "-.Inf", "-.INF": -.infinity
        case ".nan", ".NaN", ".NAN": .nan
        default: nil
        }
    }

    /// Plain scalars that YAML 1.1 readers (still common) would not read as strings, although the core
    /// schema does: booleans such as `yes`/`off`, the merge key `<<`, and number or timestamp look-alikes
    /// such as `1:30`, `1_000`, `0b101` or `2001-12-14`. The emitter quotes these too, so that its output
    /// means the same to every reader.
    static func isYAML11NonString(_ text: String) -> Bool {
        // The words are at most 5 bytes long and start with one of a few bytes; other text can only look numeric.
        guard text.utf8.count <= 5, let first = text.utf8.first, "yYnNoO<=".utf8.contains(first) else {
            return looksNumeric(text)
        }
        switch text {
        case "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
            "on", "On", "ON", "off", "Off", "OFF", "<<", "=":
            return true
        default:
            return looksNumeric(text)
        }
    }

    /// A loose superset of YAML 1.1 ints, floats and timestamps: a digit (after an optional sign or point)
    /// followed only by digits, `e`, hex letters after `0x`, `b` after `0b`, and `_ : . + - x o T Z` or spaces.
    private static func looksNumeric(_ text: String) -> Bool {
        var bytes = text.utf8.drop { $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "+") }
        if bytes.first == UInt8(ascii: ".") { bytes = bytes.dropFirst() }
        guard let first = bytes.first, isDigit(first) else { return false }
        // Hex letters only count after `0x`, so durations such as `1d` or `7d` stay plain.
        func contains(_ letter: UInt8) -> Bool {
            zip(text.utf8, text.utf8.dropFirst()).contains { $0 == UInt8(ascii: "0") && $1 | 0x20 == letter }
        }
        let isHex = contains(UInt8(ascii: "x"))
        let isBinary = contains(UInt8(ascii: "b"))
        return text.utf8.allSatisfy { byte in
            isDigit(byte) || (isHex && isHexDigit(byte)) || (isBinary && (byte | 0x20) == UInt8(ascii: "b"))
                || "eE_:.+-xXoOtTzZ ".utf8.contains(byte)
        }
    }

    /// Runs `body` over the UTF-8 of `text`, in place for native strings.
    private static func withUTF8<Result>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        var text = text
        return text.withUTF8(body)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66)
    }
}

extension String {
    /// Inserts a `0` after a decimal point that is directly followed by an exponent or the end.
    fileprivate func replacingFirstPointBeforeExponent() -> String {
        var result = ""
        var previousWasPoint = false
        for character in self {
            if previousWasPoint, character == "e" || character == "E" { result.append("0") }
            result.append(character)
            previousWasPoint = character == "."
        }
        if previousWasPoint { result.append("0") }
        return result
    }
}
