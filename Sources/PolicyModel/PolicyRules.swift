/// The bounds shared/API.md sets on limits and workflows, kept once for the emulator and the manifest checker.
public enum PolicyRules {
    /// Longest name of a limit, workflow or bucket.
    public static let nameMaxLength = 64
    /// Longest description.
    public static let descriptionMaxLength = 255
    /// Buckets a limit may have.
    public static let bucketCount = 1...2
    /// A bucket's `max`, in sends.
    public static let bucketMax = 1...1_000_000
    /// A bucket's `interval`, in seconds (one second to a year).
    public static let bucketInterval = 1...31_536_000
    /// Digits in a code.
    public static let codeLength = 4...10
    /// The API's default code length.
    public static let codeLengthDefault = 6
    /// A code's lifetime in seconds.
    public static let codeTtl = 60...86_400
    /// The API's default code lifetime.
    public static let codeTtlDefault = 600
    /// Wrong verifies allowed.
    public static let maxAttempts = 1...10
    /// The API's default number of verify attempts.
    public static let maxAttemptsDefault = 5
    /// Steps a workflow may have.
    public static let stepCount = 1...5
    /// A step's timeout in seconds.
    public static let stepTimeout = 10...3_600
    /// How many times a call reads its message.
    public static let callRepeat = 1...5
    /// Longest message body.
    public static let bodyMaxLength = 1_600
    /// The placeholder a body must contain.
    public static let codePlaceholder = "{code}"

    /// Whether `name` is 1 to 64 of `A-Z a-z 0-9 _ . -`.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= nameMaxLength
            && name.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == 0x5F || byte == 0x2E || byte == 0x2D
            }
    }

    /// Whether `language` is a BCP 47 tag (`en-US`) or an engine-qualified one (`awspolly.ja-JP`).
    public static func isValidLanguage(_ language: String) -> Bool {
        var tag = Substring(language)
        if let dot = tag.firstIndex(of: ".") {
            let engine = tag[..<dot]
            guard !engine.isEmpty, engine.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
                return false
            }
            tag = tag[tag.index(after: dot)...]
        }
        let parts = tag.split(separator: "-", omittingEmptySubsequences: false)
        guard let primary = parts.first, (2...3).contains(primary.count),
            primary.allSatisfy({ $0.isASCII && $0.isLetter })
        else { return false }
        return parts.dropFirst().allSatisfy { part in
            (1...8).contains(part.count) && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
        }
    }
}
