import Foundation

/// Why a form-urlencoded body or query string could not be read.
public struct FormSyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The field name involved, as written.
    public var field: String
    /// What was wrong with it.
    public var reason: String

    /// Creates an error.
    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    /// `form field 'buckets[0]': …`; a name longer than 64 characters is cut short, so a hostile one is not echoed.
    public var description: String { "form field '\(shownField)': \(reason)" }

    /// The field name as messages show it: at most 64 characters and an ellipsis.
    public var shownField: String { field.count > 64 ? field.prefix(64) + "…" : field }
}

extension WireValue {
    /// Reads `application/x-www-form-urlencoded` text into an object.
    ///
    /// Nested fields are written `buckets[0][name]=burst` or `buckets[0].name=burst`; every leaf is a string, so
    /// readers of form bodies accept digits where JSON would carry a number. A name nests no deeper than JSON may
    /// (`maxJSONDepth`), since building and reading the value recurse once per level.
    public static func parseForm(_ text: String) throws(FormSyntaxError) -> WireValue {
        var root = FormNode.emptyObject
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let rawKey = percentDecoded(parts[0])
            let value = parts.count > 1 ? percentDecoded(parts[1]) : ""
            let path = try formPath(rawKey)
            try root.insert(value, at: path[...], field: rawKey)
        }
        return root.wireValue
    }

    /// Decodes `%XX` escapes and `+` as a space; malformed escapes are kept as written.
    public static func percentDecoded(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "+") {
                bytes.append(0x20)
            } else if byte == UInt8(ascii: "%"), iterator.count >= 2,
                let value = UInt8(String(decoding: iterator.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                iterator = iterator.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func formPath(_ key: String) throws(FormSyntaxError) -> [String] {
        var components: [String] = []
        var current = ""
        var inBracket = false
        for character in key {
            // A leaf sits one level below its last name, as a JSON value does below its object.
            guard components.count < maxJSONDepth else {
                throw FormSyntaxError(field: key, reason: "nested deeper than \(maxJSONDepth) levels")
            }
            switch character {
            case "[" where !inBracket, "." where !inBracket:
                if !current.isEmpty || components.isEmpty { components.append(current) }
                current = ""
                inBracket = character == "["
            case "]" where inBracket:
                components.append(current)
                current = ""
                inBracket = false
            default:
                current.append(character)
            }
        }
        if inBracket { throw FormSyntaxError(field: key, reason: "unclosed '['") }
        if !current.isEmpty { components.append(current) }
        guard components.count < maxJSONDepth else {
            throw FormSyntaxError(field: key, reason: "nested deeper than \(maxJSONDepth) levels")
        }
        guard let first = components.first, !first.isEmpty, !components.contains(where: \.isEmpty) else {
            throw FormSyntaxError(field: key, reason: "empty name")
        }
        return components
    }
}

/// An object's fields in their written order, with each name's position, so a body of many fields is read in
/// linear time rather than searched once per field.
private struct FormObject {
    var pairs: [(key: String, node: FormNode)] = []
    var positions: [String: Int] = [:]

    mutating func append(_ key: String, _ node: FormNode) {
        positions[key] = pairs.count
        pairs.append((key, node))
    }
}

private indirect enum FormNode {
    case leaf(String)
    case object(FormObject)
    case list([Int: FormNode])

    static var emptyObject: FormNode { .object(FormObject()) }

    mutating func insert(_ value: String, at path: ArraySlice<String>, field: String) throws(FormSyntaxError) {
        guard let head = path.first else {
            throw FormSyntaxError(field: field, reason: "is given twice or conflicts with another field")
        }
        let rest = path.dropFirst()
        if let index = Int(head), index >= 0 {
            if case .object(let object) = self, object.pairs.isEmpty { self = .list([:]) }
            guard case .list(var items) = self else {
                throw FormSyntaxError(field: field, reason: "mixes list positions and names")
            }
            self = .leaf("")
            var child = items[index] ?? (rest.isEmpty ? .leaf(value) : .emptyObject)
            if rest.isEmpty {
                if items[index] != nil { throw FormSyntaxError(field: field, reason: "is given twice") }
            } else {
                try child.insert(value, at: rest, field: field)
            }
            items[index] = child
            self = .list(items)
            return
        }
        guard case .object(var object) = self else {
            throw FormSyntaxError(field: field, reason: "mixes list positions and names")
        }
        // Emptied while the child changes, so the object is not copied.
        self = .leaf("")
        if let existing = object.positions[head] {
            guard !rest.isEmpty, case .leaf = object.pairs[existing].node else {
                if rest.isEmpty { throw FormSyntaxError(field: field, reason: "is given twice") }
                try object.pairs[existing].node.insert(value, at: rest, field: field)
                self = .object(object)
                return
            }
            throw FormSyntaxError(field: field, reason: "is given both as a value and as a group")
        }
        if rest.isEmpty {
            object.append(head, .leaf(value))
        } else {
            var child = FormNode.emptyObject
            try child.insert(value, at: rest, field: field)
            object.append(head, child)
        }
        self = .object(object)
    }

    var wireValue: WireValue {
        switch self {
        case .leaf(let text): .string(text)
        case .object(let object): .object(object.pairs.map { ($0.key, $0.node.wireValue) })
        case .list(let items): .array(items.sorted { $0.key < $1.key }.map(\.value.wireValue))
        }
    }
}
