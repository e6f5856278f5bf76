/// A short, stable digest of an object's policy fields, so a saved plan can tell whether a live object changed
/// after the plan was made. Not a security measure: FNV-1a over a canonical text.
public enum Fingerprint {
    /// 16 hex digits for `text`.
    public static func of(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

extension Limit {
    /// Every policy field in a fixed order; equal limits give equal text.
    public var canonicalText: String {
        var parts = ["name=\(name)", "description=\(description.map { "\"\($0)\"" } ?? "-")"]
        // Bucket order carries no meaning (each bucket refuses on its own), so it does not change the text.
        for bucket in buckets.sorted(by: { $0.name < $1.name }) {
            parts.append("bucket=\(bucket.name),\(bucket.max),\(bucket.interval)")
        }
        return parts.joined(separator: "\n")
    }

    /// The digest of `canonicalText`.
    public var fingerprint: String { Fingerprint.of(canonicalText) }
}

extension Workflow {
    /// Every policy field in a fixed order; equal workflows give equal text.
    public var canonicalText: String {
        var parts = [
            "name=\(name)", "description=\(description.map { "\"\($0)\"" } ?? "-")", "codeLength=\(codeLength)",
            "codeTtl=\(codeTtl)", "maxAttempts=\(maxAttempts)",
        ]
        for step in steps {
            let fields: [String?] = [
                step.channel.rawValue, String(step.timeout), step.from, step.body, step.language, step.voice?.rawValue,
                step.repeat.map(String.init), step.emailFrom, step.subject,
            ]
            parts.append("step=" + fields.map { $0.map { "\"\($0)\"" } ?? "-" }.joined(separator: ","))
        }
        return parts.joined(separator: "\n")
    }

    /// The digest of `canonicalText`.
    public var fingerprint: String { Fingerprint.of(canonicalText) }
}
