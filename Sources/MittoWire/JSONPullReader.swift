/// A forward-only reader of one JSON text, for decoding the few large answers (list pages of a thousand objects)
/// without `JSONDecoder`'s generic containers, which cost more than the rest of a plan at 100,000 objects.
///
/// It reads exactly the JSON grammar (RFC 8259): strings are validated UTF-8 with every escape, numbers are read
/// as integers when that is what a field needs and skipped whole otherwise, and anything unexpected throws
/// ``JSONPullReader/Failure`` with the byte offset. Callers fall back to `JSONDecoder` on a failure, so the fast
/// path never decides what an answer means on its own.
public struct JSONPullReader {
    /// Why the text could not be read as the caller expected, at which byte.
    public struct Failure: Error, Hashable, Sendable {
        /// What was expected or found.
        public var message: String
        /// The byte offset in the text.
        public var offset: Int
    }

    private let bytes: UnsafeRawBufferPointer
    private var index = 0

    /// The byte offset the reader is at.
    public var offset: Int { index }

    /// Reads `bytes`, which must stay valid while the reader is used.
    public init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    private func fail(_ message: String) -> Failure {
        Failure(message: message, offset: index)
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    private mutating func peek() -> UInt8? {
        skipWhitespace()
        return index < bytes.count ? bytes[index] : nil
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws(Failure) {
        guard peek() == byte else { throw fail("expected \(what)") }
        index += 1
    }

    private mutating func literal(_ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        for offset in 0..<count where bytes[index + offset] != text.utf8Start[offset] { return false }
        index += count
        return true
    }

    /// Requires the text to end here (whitespace aside).
    public mutating func end() throws(Failure) {
        guard peek() == nil else { throw fail("expected the end of the text") }
    }

    /// Reads an object, calling `field` with each key; `field` must read or skip the value.
    public mutating func object(_ field: (String, inout JSONPullReader) throws(Failure) -> Void) throws(Failure) {
        try expect(UInt8(ascii: "{"), "an object")
        if peek() == UInt8(ascii: "}") {
            index += 1
            return
        }
        while true {
            let key = try string()
            try expect(UInt8(ascii: ":"), "':' after a key")
            try field(key, &self)
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                index += 1
                return
            default: throw fail("expected ',' or '}' in an object")
            }
        }
    }

    /// Reads an array, calling `item` for each element; `item` must read or skip it.
    public mutating func array(_ item: (inout JSONPullReader) throws(Failure) -> Void) throws(Failure) {
        try expect(UInt8(ascii: "["), "an array")
        if peek() == UInt8(ascii: "]") {
            index += 1
            return
        }
        while true {
            try item(&self)
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"):
                index += 1
                return
            default: throw fail("expected ',' or ']' in an array")
            }
        }
    }

    /// Reads `null`, returning true, or leaves the reader where it was and returns false.
    public mutating func null() -> Bool {
        guard peek() == UInt8(ascii: "n") else { return false }
        return literal("null")
    }

    /// Reads a string.
    public mutating func string() throws(Failure) -> String {
        try expect(UInt8(ascii: "\""), "a string")
        let start = index
        var isASCII = true
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let utf8 = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
                // ASCII is valid UTF-8 as it is; only other text needs validating.
                let text =
                    isASCII
                    ? utf8.withMemoryRebound(to: UInt8.self) { String(decoding: $0, as: UTF8.self) }
                    : String(validating: utf8, as: UTF8.self)
                guard let text else { throw fail("a string is not valid UTF-8") }
                index += 1
                return text
            }
            isASCII = isASCII && byte < 0x80
            if byte == UInt8(ascii: "\\") { return try escapedString(from: start) }
            guard byte >= 0x20 else { throw fail("a control character in a string") }
            index += 1
        }
        throw fail("a string does not end")
    }

    /// The rest of a string that has escapes, from its first byte at `start`.
    private mutating func escapedString(from start: Int) throws(Failure) -> String {
        var utf8 = Array(UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: utf8, as: UTF8.self) else {
                    throw fail("a string is not valid UTF-8")
                }
                return text
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { throw fail("a string does not end") }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "u"): utf8.append(contentsOf: try unicodeEscape())
                default: throw fail("an unknown escape in a string")
                }
            default:
                guard byte >= 0x20 else { throw fail("a control character in a string") }
                utf8.append(byte)
            }
        }
        throw fail("a string does not end")
    }

    /// The UTF-8 of a `\uXXXX` escape (the `\u` read), joining a surrogate pair.
    private mutating func unicodeEscape() throws(Failure) -> String.UTF8View {
        let first = try hex4()
        var scalar: Unicode.Scalar?
        if (0xD800..<0xDC00).contains(first) {
            guard literal("\\u") else { throw fail("a lone surrogate in a string") }
            let second = try hex4()
            guard (0xDC00..<0xE000).contains(second) else { throw fail("a lone surrogate in a string") }
            scalar = Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))
        } else {
            scalar = Unicode.Scalar(first)
        }
        guard let scalar else { throw fail("a lone surrogate in a string") }
        return String(Character(scalar)).utf8
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard index + 4 <= bytes.count else { throw fail("a \\u escape needs four hex digits") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw fail("a \\u escape needs four hex digits")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    /// Reads a string, or `null` as nil.
    public mutating func optionalString() throws(Failure) -> String? {
        null() ? nil : try string()
    }

    /// Reads an integer: optional minus, digits, no fraction or exponent, within `Int`.
    public mutating func int() throws(Failure) -> Int {
        skipWhitespace()
        let negative = index < bytes.count && bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        let start = index
        var value = 0
        while index < bytes.count, case let byte = bytes[index], byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
            let digit = Int(byte - UInt8(ascii: "0"))
            let (times, overflowTimes) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowSum) =
                negative ? times.subtractingReportingOverflow(digit) : times.addingReportingOverflow(digit)
            guard !overflowTimes, !overflowSum else { throw fail("an integer out of range") }
            value = sum
            index += 1
        }
        guard index > start else { throw fail("expected an integer") }
        guard index - start == 1 || bytes[start] != UInt8(ascii: "0") else {
            throw fail("a number with a leading zero")
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") || bytes[index] | 0x20 == UInt8(ascii: "e") {
            throw fail("expected a whole number")
        }
        return value
    }

    /// Reads an integer, or `null` as nil.
    public mutating func optionalInt() throws(Failure) -> Int? {
        null() ? nil : try int()
    }

    /// Reads and discards any value.
    public mutating func skip() throws(Failure) {
        guard let next = peek() else { throw fail("expected a value") }
        switch next {
        case UInt8(ascii: "{"): try object { _, reader throws(Failure) in try reader.skip() }
        case UInt8(ascii: "["): try array { reader throws(Failure) in try reader.skip() }
        case UInt8(ascii: "\""): _ = try string()
        case UInt8(ascii: "t"): guard literal("true") else { throw fail("expected a value") }
        case UInt8(ascii: "f"): guard literal("false") else { throw fail("expected a value") }
        case UInt8(ascii: "n"): guard literal("null") else { throw fail("expected a value") }
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
        default: throw fail("expected a value")
        }
    }

    /// Skips a number of any form.
    private mutating func number() throws(Failure) {
        func digits() -> Int {
            let first = index
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                index += 1
            }
            return index - first
        }
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard digits() > 0 else { throw fail("expected a number") }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { throw fail("expected digits after '.'") }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard digits() > 0 else { throw fail("expected digits in an exponent") }
        }
    }
}

/// A type read straight from JSON text by ``JSONPullReader``, in the same shape its `Decodable` conformance reads.
public protocol JSONPullDecodable {
    /// Reads one value; throws when the text is not of the shape expected.
    init(json reader: inout JSONPullReader) throws(JSONPullReader.Failure)
}

extension JSONPullDecodable {
    /// Reads a whole JSON text holding one value.
    public static func decode(json bytes: UnsafeRawBufferPointer) throws(JSONPullReader.Failure) -> Self {
        var reader = JSONPullReader(bytes)
        let value = try Self(json: &reader)
        try reader.end()
        return value
    }
}

/// Which of a type's required fields a reader has seen; a missing one is a failure naming it.
struct RequiredFields {
    private var seen: UInt32 = 0

    mutating func saw(_ index: Int) {
        seen |= 1 << index
    }

    func check(_ names: [StaticString], at offset: Int) throws(JSONPullReader.Failure) {
        for index in names.indices where seen & (1 << index) == 0 {
            throw JSONPullReader.Failure(message: "the field '\(names[index])' is missing", offset: offset)
        }
    }
}
