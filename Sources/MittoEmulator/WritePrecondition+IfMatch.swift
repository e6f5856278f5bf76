import Foundation
import MittoWire

extension WritePrecondition {
    /// The precondition of an `If-Match` header (RFC 9110, 13.1.1): `*`, or a comma-separated list of entity tags
    /// compared strongly, so a weak tag (`W/"…"`) is read but never matches. Nil without the header; 400 for a value
    /// that is neither.
    init?(ifMatch header: String?) throws(APIError) {
        guard let header else { return nil }
        if header.trimmingCharacters(in: .whitespaces) == "*" {
            self = .exists
            return
        }
        var strong: Set<String> = []
        var tagCount = 0
        var rest = Substring(header)
        while true {
            rest = rest.drop { $0 == " " || $0 == "\t" || $0 == "," }
            guard !rest.isEmpty else { break }
            let weak = rest.hasPrefix("W/")
            if weak { rest = rest.dropFirst(2) }
            guard rest.first == "\"", let close = rest.dropFirst().firstIndex(of: "\"") else {
                throw .malformedIfMatch(header)
            }
            let tag = rest[rest.index(after: rest.startIndex)..<close]
            guard tag.unicodeScalars.allSatisfy({ $0.value >= 0x21 && $0.value != 0x22 && $0.value != 0x7F }) else {
                throw .malformedIfMatch(header)
            }
            if !weak { strong.insert(String(tag)) }
            tagCount += 1
            rest = rest[rest.index(after: close)...]
            let separator = rest.prefix { $0 == " " || $0 == "\t" }
            rest = rest.dropFirst(separator.count)
            guard rest.isEmpty || rest.first == "," else { throw .malformedIfMatch(header) }
        }
        guard tagCount > 0 else { throw .malformedIfMatch(header) }
        self = .fingerprint(oneOf: strong)
    }

    /// The `ETag` value of an object with `fingerprint`: the fingerprint in quotes.
    static func entityTag(_ fingerprint: String) -> String { "\"\(fingerprint)\"" }
}

extension APIError {
    /// 400 for an `If-Match` that is neither `*` nor a list of quoted entity tags.
    static func malformedIfMatch(_ header: String) -> APIError {
        let shown = header.count > 80 ? String(header.prefix(80)) + "…" : header
        return APIError(
            .badRequest, "Invalid If-Match header: \(shown)",
            details: [
                ErrorDetail(
                    field: "If-Match",
                    problem: "must be * or one or more quoted fingerprints, such as \"0123456789abcdef\""
                )
            ]
        )
    }

    /// 412 for a conditional write whose `If-Match` no longer matches the stored object.
    static func preconditionFailed(_ noun: String, sid: String, ifMatch: String, current: String) -> APIError {
        APIError(
            .preconditionFailed,
            "\(noun) \(sid) changed since it was read "
                + "(If-Match \(ifMatch) does not match \(WritePrecondition.entityTag(current)))"
        )
    }
}
