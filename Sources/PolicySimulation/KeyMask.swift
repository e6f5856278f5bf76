/// How key values appear in reports: phone numbers, e-mail addresses and IP addresses are personal data, so a
/// report shows enough to tell keys apart and recognise a country or network, never the whole value.
///
/// - Phone numbers (`+` and 8 or more digits): the country and first digits and the last two, with at least five
///   digits hidden, `+4179•••••73`.
/// - E-mail addresses: the first character of the local part and the domain, `j•••@example.com`.
/// - IPv4: the first three octets, `198.51.100.•`; IPv6: the first three groups, `2001:db8:85a3:•`.
/// - Anything else (a tenant id, say): the first two and last two characters of a value of 8 or more,
///   `te••••42`; shorter values are all dots.
public enum KeyMask {
    /// The dot that stands for a hidden character.
    public static let dot: Character = "•"

    /// `text` masked when it is a phone number, an e-mail address or an IP address, as is otherwise: for echoing
    /// input in an error message, where a key value may stand in the wrong column.
    public static func maskIfPersonal(_ text: String) -> String {
        let characters = Array(text)
        let personal =
            isPhone(characters) || (text.contains("@") && !text.contains(" ")) || ipv4(text) != nil
            || ipv6(text) != nil
        return personal ? mask(text) : text
    }

    /// `key` as a report shows it.
    public static func mask(_ key: String) -> String {
        let characters = Array(key)
        if isPhone(characters) {
            // At least five digits hidden, however short the number: the country code and operator stay.
            let shown = max(1, min(5, characters.count - 7))
            return String(characters.prefix(shown)) + dots(characters.count - shown - 2) + String(characters.suffix(2))
        }
        if let at = characters.lastIndex(of: "@"), at > 0, at < characters.count - 1 {
            return String(characters[0]) + dots(3) + String(characters[at...])
        }
        if let octets = ipv4(key) { return octets.prefix(3).joined(separator: ".") + ".\(dot)" }
        if let groups = ipv6(key) { return groups.prefix(3).joined(separator: ":") + ":\(dot)" }
        guard characters.count >= 8 else { return dots(characters.count) }
        return String(characters.prefix(2)) + dots(characters.count - 4) + String(characters.suffix(2))
    }

    private static func dots(_ count: Int) -> String {
        String(repeating: String(dot), count: max(1, count))
    }

    private static func isPhone(_ characters: [Character]) -> Bool {
        characters.count >= 9 && characters[0] == "+" && characters.dropFirst().allSatisfy(\.isASCIIDigit)
    }

    private static func ipv4(_ key: String) -> [String]? {
        let octets = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard octets.count == 4,
            octets.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isASCIIDigit) && Int($0)! <= 255 })
        else { return nil }
        return octets
    }

    /// The eight groups of an IPv6 address (`::` expanded, leading zeros dropped), or nil.
    private static func ipv6(_ key: String) -> [String]? {
        guard key.contains(":"), key.allSatisfy({ $0.isHexDigit || $0 == ":" }) else { return nil }
        let halves = key.split(around: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ text: String) -> [String]? {
            guard !text.isEmpty else { return [] }
            let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.allSatisfy({ (1...4).contains($0.count) }) else { return nil }
            return parts.map { String(Int($0, radix: 16)!, radix: 16) }
        }
        guard let head = groups(halves[0]) else { return nil }
        if halves.count == 1 { return head.count == 8 ? head : nil }
        guard let tail = groups(halves[1]), head.count + tail.count < 8 else { return nil }
        return head + Array(repeating: "0", count: 8 - head.count - tail.count) + tail
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

extension String {
    /// The parts of the string between occurrences of `separator`.
    fileprivate func split(around separator: String) -> [String] {
        var parts: [String] = []
        var rest = Substring(self)
        while let range = rest.firstRange(of: separator) {
            parts.append(String(rest[..<range.lowerBound]))
            rest = rest[range.upperBound...]
        }
        parts.append(String(rest))
        return parts
    }
}
