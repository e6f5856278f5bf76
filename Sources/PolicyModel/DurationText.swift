/// Durations as manifests write them: whole seconds (`90`) or unit parts, largest first (`90s`, `10m`, `1h30m`, `7d`).
public enum DurationText {
    private static let units: [(suffix: Character, seconds: Int)] = [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)]

    /// Whether `text` has the form of a duration, whatever its size.
    public static func isWellFormed(_ text: String) -> Bool {
        seconds(text, checkingOverflow: false) != nil
    }

    /// The number of seconds `text` means, or nil when it is not a duration or too large to count.
    public static func seconds(_ text: String) -> Int? {
        seconds(text, checkingOverflow: true)
    }

    private static func seconds(_ text: String, checkingOverflow: Bool) -> Int? {
        if !checkingOverflow, !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }) { return 0 }
        if let whole = Int(text), whole >= 0 { return whole }
        var total = 0
        var number = ""
        var nextUnit = 0
        var sawPart = false
        for character in text {
            if character.isASCII && character.isNumber {
                number.append(character)
                continue
            }
            guard !number.isEmpty, let index = units.firstIndex(where: { $0.suffix == character }), index >= nextUnit
            else { return nil }
            guard let value = Int(number) else {
                if checkingOverflow { return nil }
                number = ""
                nextUnit = index + 1
                sawPart = true
                continue
            }
            let (product, overflow) = value.multipliedReportingOverflow(by: units[index].seconds)
            let (sum, sumOverflow) = total.addingReportingOverflow(product)
            if checkingOverflow && (overflow || sumOverflow) { return nil }
            total = overflow || sumOverflow ? 0 : sum
            number = ""
            nextUnit = index + 1
            sawPart = true
        }
        return sawPart && number.isEmpty ? total : nil
    }

    /// The shortest way to write `seconds` with units: `600` → `10m`, `5400` → `1h30m`, `0` → `0s`.
    public static func format(_ seconds: Int) -> String {
        guard seconds > 0 else { return "\(seconds)s" }
        var remaining = seconds
        var text = ""
        for (suffix, size) in units where remaining >= size {
            text += "\(remaining / size)\(suffix)"
            remaining %= size
        }
        return text
    }
}
