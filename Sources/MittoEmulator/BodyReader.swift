import MittoWire
import PolicyModel

/// Reads a request body field by field, collecting every problem instead of stopping at the first.
///
/// Keys match with their first letter in either case (`From` = `from`), as the API allows; a key that matches no
/// field is reported as unknown. Form bodies carry only text, so there digits are read as numbers.
struct BodyReader {
    /// An object's fields, keyed by their canonical names.
    struct Fields {
        var values: [String: WireValue]
        var path: FieldPath
    }

    private(set) var problems: [FieldProblem] = []
    let valuesAreText: Bool

    init(valuesAreText: Bool) {
        self.valuesAreText = valuesAreText
    }

    /// The object at `path` with only `known` keys, reporting others as unknown and repeated ones as duplicates.
    mutating func object(_ value: WireValue?, at path: FieldPath, known: [String]) -> Fields? {
        guard let value else {
            problems.append(.init(field: path, kind: .missing, message: "is required"))
            return nil
        }
        guard case .object(let pairs) = value else {
            problems.append(wrongType(at: path, expected: "an object", got: value))
            return nil
        }
        var values: [String: WireValue] = [:]
        for (key, fieldValue) in pairs {
            guard let canonical = known.first(where: { Self.sameKey($0, key) }) else {
                let hint = known.first { $0.lowercased() == key.lowercased() }.map { ", did you mean '\($0)'?" } ?? ""
                problems.append(
                    .init(field: path.appending(key), kind: .unknownField, message: "is not a known field\(hint)"))
                continue
            }
            if values[canonical] != nil {
                problems.append(.init(field: path.appending(canonical), kind: .duplicate, message: "is given twice"))
                continue
            }
            values[canonical] = fieldValue
        }
        return Fields(values: values, path: path)
    }

    /// A required or optional string; `null` counts as absent for optional fields.
    mutating func string(_ fields: Fields, _ key: String, required: Bool = false) -> String? {
        guard let value = present(fields, key, required: required) else { return nil }
        guard case .string(let text) = value else {
            problems.append(wrongType(at: fields.path.appending(key), expected: "a string", got: value))
            return nil
        }
        return text
    }

    /// An optional filter, or an optional `accountSid`: absent is fine, empty is a problem.
    ///
    /// An empty value would otherwise read as absent, and `?accountSid=` or `?startDate=` would quietly search the
    /// caller's own account, or every date, when the caller meant something narrower.
    mutating func filter(_ fields: Fields, _ key: String) -> String? {
        if case .string(let text)? = fields.values[key], text.isEmpty {
            problems.append(
                .init(
                    field: fields.path.appending(key), kind: .invalidFormat,
                    message: "must not be empty; leave it out instead"))
            return nil
        }
        return string(fields, key)
    }

    /// A required or optional integer.
    mutating func int(_ fields: Fields, _ key: String, required: Bool = false) -> Int? {
        guard let value = present(fields, key, required: required) else { return nil }
        let path = fields.path.appending(key)
        switch value {
        case .number(let text):
            if let number = Int(text) { return number }
            if let double = Double(text), double == double.rounded(), let number = Int(exactly: double) {
                return number
            }
        case .string(let text) where valuesAreText:
            if let number = Int(text.trimmingCharacters(in: .whitespaces)) { return number }
        default:
            break
        }
        problems.append(wrongType(at: path, expected: "an integer", got: value))
        return nil
    }

    /// A value from a fixed set of strings.
    mutating func choice<Value: RawRepresentable & CaseIterable>(
        _ fields: Fields, _ key: String, required: Bool = false
    ) -> Value? where Value.RawValue == String {
        guard let text = string(fields, key, required: required) else { return nil }
        if let value = Value(rawValue: text) ?? Value(rawValue: text.lowercased()) { return value }
        let allowed = Value.allCases.map(\.rawValue).joined(separator: ", ")
        problems.append(
            .init(
                field: fields.path.appending(key), kind: .invalidFormat,
                message: "must be one of \(allowed), got '\(text)'")
        )
        return nil
    }

    /// A required or optional list.
    mutating func list(_ fields: Fields, _ key: String, required: Bool = false) -> [WireValue]? {
        guard let value = present(fields, key, required: required) else { return nil }
        guard case .array(let items) = value else {
            problems.append(wrongType(at: fields.path.appending(key), expected: "a list", got: value))
            return nil
        }
        return items
    }

    /// Adds problems found by a later check.
    mutating func report(_ more: [FieldProblem]) {
        problems += more
    }

    private mutating func present(_ fields: Fields, _ key: String, required: Bool) -> WireValue? {
        let value = fields.values[key]
        switch value {
        case nil, .null?:
            if required {
                problems.append(.init(field: fields.path.appending(key), kind: .missing, message: "is required"))
            }
            return nil
        case .string("")? where valuesAreText && !required:
            return nil
        default:
            return value
        }
    }

    private func wrongType(at path: FieldPath, expected: String, got value: WireValue) -> FieldProblem {
        .init(field: path, kind: .wrongType, message: "must be \(expected), got \(value.typeName)")
    }

    /// Whether `wire` names `canonical`, with the first letter in either case.
    static func sameKey(_ canonical: String, _ wire: String) -> Bool {
        let canonicalBytes = canonical.utf8
        let wireBytes = wire.utf8
        // ASCII keys, every field name and nearly every key sent, are compared as bytes, with no string made.
        if canonicalBytes.allSatisfy({ $0 < 0x80 }) && wireBytes.allSatisfy({ $0 < 0x80 }) {
            guard let first = wireBytes.first, let canonicalFirst = canonicalBytes.first,
                wireBytes.count == canonicalBytes.count
            else { return false }
            func folded(_ byte: UInt8) -> UInt8 { (65...90).contains(byte) ? byte | 0x20 : byte }
            return folded(first) == folded(canonicalFirst)
                && wireBytes.dropFirst().elementsEqual(canonicalBytes.dropFirst())
        }
        guard let first = wire.first, let canonicalFirst = canonical.first else { return false }
        return first.lowercased() == canonicalFirst.lowercased() && wire.dropFirst() == canonical.dropFirst()
    }
}
