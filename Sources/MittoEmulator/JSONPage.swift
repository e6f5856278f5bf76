import Foundation
import GRDB
import MittoWire

/// A search page written straight from items already in the API's JSON form, byte for byte what `SearchPage`
/// encodes to (sorted keys, `/` unescaped), without decoding and encoding each item again.
struct JSONPage: Sendable {
    /// `limits`, `workflows` or `records`.
    var listKey: String
    /// Each item's JSON.
    var items: [Data]
    var page: Int
    var pageSize: Int
    var total: Int
    var numPages: Int
    var nextPageUri: String?

    /// The page as the API writes it.
    var json: Data {
        var fields: [(key: String, value: [UInt8])] = [
            ("code", Array("200".utf8)), ("message", Array("\"OK\"".utf8)),
            ("nextPageUri", nextPageUri.map { Array(JSONText.quoted($0).utf8) } ?? Array("null".utf8)),
            ("numPages", Array(String(numPages).utf8)), ("page", Array(String(page).utf8)),
            ("pageSize", Array(String(pageSize).utf8)), ("total", Array(String(total).utf8)),
        ]
        fields.append((listKey, []))
        fields.sort { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        var out = Data()
        out.reserveCapacity(items.reduce(256) { $0 + $1.count + 1 })
        out.append(UInt8(ascii: "{"))
        for (index, field) in fields.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: Array(JSONText.quoted(field.key).utf8))
            out.append(UInt8(ascii: ":"))
            if field.key == listKey {
                out.append(UInt8(ascii: "["))
                for (position, item) in items.enumerated() {
                    if position > 0 { out.append(UInt8(ascii: ",")) }
                    out.append(item)
                }
                out.append(UInt8(ascii: "]"))
            } else {
                out.append(contentsOf: field.value)
            }
        }
        out.append(UInt8(ascii: "}"))
        return out
    }
}

/// JSON text written by hand where Foundation's encoder would cost more than the work it does.
enum JSONText {
    /// Appends `text` as a JSON string, escaped as `quoted(_:)` escapes it.
    static func appendQuoted(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        let utf8 = text.utf8
        if utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            out.append(contentsOf: utf8)
        } else {
            out.append(contentsOf: quoted(text).utf8.dropFirst().dropLast())
        }
        out.append(UInt8(ascii: "\""))
    }

    /// `text` as a JSON string, escaped as `WireCoding`'s encoder escapes it (`/` left as it is).
    static func quoted(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case let control where control.value < 0x20:
                let hex = String(control.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
        return out
    }
}

/// A session detail record's JSON, byte for byte what `WireCoding`'s encoder writes for a `SessionDetailRecord`
/// (keys sorted, absent fields left out), written straight from its row: a page of a thousand records costs a
/// fraction of building and encoding them.
enum SessionRecordJSON {
    /// The record of a row of `OTPStore.recordColumns`.
    static func write(_ row: Row) -> Data {
        let requestID: String = row[0]
        var out: [UInt8] = []
        out.reserveCapacity(640)
        append(#"{"accountSid":"#, to: &out)
        JSONText.appendQuoted(row[1] as String, to: &out)
        append(#","attempts":["#, to: &out)
        let attempts: String = row[11]
        if !attempts.isEmpty {
            for (index, attempt) in attempts.split(separator: ";").enumerated() {
                let parts = attempt.split(separator: "|", omittingEmptySubsequences: false)
                if index > 0 { out.append(UInt8(ascii: ",")) }
                append(#"{"channel":"#, to: &out)
                JSONText.appendQuoted(String(parts[0]), to: &out)
                append(#","deliveryStatus":"#, to: &out)
                JSONText.appendQuoted(parts.count > 2 ? String(parts[2]) : "", to: &out)
                append(#","sentAt":"#, to: &out)
                JSONText.appendQuoted(parts.count > 1 ? String(parts[1]) : "", to: &out)
                out.append(UInt8(ascii: "}"))
            }
        }
        out.append(UInt8(ascii: "]"))
        if let limit = row[8] as String? {
            append(#","blockedBy":{"bucket":"#, to: &out)
            JSONText.appendQuoted(row[9] as String? ?? "", to: &out)
            append(#","limit":"#, to: &out)
            JSONText.appendQuoted(limit, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        optional(",\"channel\":", row[5], to: &out)
        append(#","dateCreated":"#, to: &out)
        JSONText.appendQuoted(Timestamp.format(Date(timeIntervalSince1970: row[13])), to: &out)
        append(#","dateUpdated":"#, to: &out)
        JSONText.appendQuoted(Timestamp.format(Date(timeIntervalSince1970: row[14])), to: &out)
        optional(",\"from\":", row[3], to: &out)
        append(#","limits":{"#, to: &out)
        let limits: String = row[10]
        if limits != "{}", case .object(let pairs)? = try? WireValue.parseJSON(Array(limits.utf8)) {
            let sorted = pairs.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            for (index, pair) in sorted.enumerated() {
                guard case .string(let value) = pair.value else { continue }
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONText.appendQuoted(pair.key, to: &out)
                out.append(UInt8(ascii: ":"))
                JSONText.appendQuoted(value, to: &out)
            }
        }
        append(#"},"requestID":"#, to: &out)
        JSONText.appendQuoted(requestID, to: &out)
        optional(",\"service\":", row[2], to: &out)
        append(#","status":"#, to: &out)
        JSONText.appendQuoted(row[7] as String, to: &out)
        append(#","to":"#, to: &out)
        JSONText.appendQuoted(row[4] as String, to: &out)
        append(#","uri":"#, to: &out)
        JSONText.appendQuoted("/2fa/search/" + requestID, to: &out)
        append(#","verifyAttempts":"#, to: &out)
        append(String(row[12] as Int), to: &out)
        optional(",\"workflow\":", row[6], to: &out)
        out.append(UInt8(ascii: "}"))
        return Data(out)
    }

    private static func append(_ text: String, to out: inout [UInt8]) {
        out.append(contentsOf: text.utf8)
    }

    /// `key` and the value when there is one; nothing when the column is NULL, as the encoder leaves nil out.
    private static func optional(_ key: String, _ value: String?, to out: inout [UInt8]) {
        guard let value else { return }
        out.append(contentsOf: key.utf8)
        JSONText.appendQuoted(value, to: &out)
    }
}

/// The answers of send, verify and cancel, written as `WireCoding`'s encoder writes them (keys sorted, absent
/// fields left out): two of them answer every OTP an application sends.
enum OTPAnswerJSON {
    static func write(_ answer: SendResponse) -> Data {
        Data(
            ("{\"code\":\(answer.code),\"message\":" + JSONText.quoted(answer.message) + ",\"requestID\":"
                + JSONText.quoted(answer.requestID) + "}").utf8)
    }

    static func write(_ answer: VerifyResponse) -> Data {
        var out = "{"
        if let remaining = answer.attemptsRemaining { out += "\"attemptsRemaining\":\(remaining)," }
        out +=
            "\"code\":\(answer.code),\"message\":" + JSONText.quoted(answer.message) + ",\"requestID\":"
            + JSONText.quoted(answer.requestID) + ",\"status\":" + JSONText.quoted(answer.status.rawValue) + "}"
        return Data(out.utf8)
    }
}
