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
        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        if !checkingOverflow, !text.isEmpty, text.utf8.allSatisfy(isDigit) { return 0 }
        if let whole = Int(text), whole >= 0 { return whole }
        // Read byte by byte: every character of a duration is ASCII, so any other byte ends it as invalid.
        var total = 0
        var number = 0
        var digits = 0
        var numberOverflowed = false
        var nextUnit = 0
        var sawPart = false
        for byte in text.utf8 {
            if isDigit(byte) {
                let (times, overflowTimes) = number.multipliedReportingOverflow(by: 10)
                let (sum, overflowSum) = times.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
                numberOverflowed = numberOverflowed || overflowTimes || overflowSum
                number = sum
                digits += 1
                continue
            }
            guard digits > 0, let index = unitIndex(byte), index >= nextUnit else { return nil }
            if numberOverflowed {
                if checkingOverflow { return nil }
            } else {
                let (product, overflow) = number.multipliedReportingOverflow(by: units[index].seconds)
                let (sum, sumOverflow) = total.addingReportingOverflow(product)
                if checkingOverflow && (overflow || sumOverflow) { return nil }
                total = overflow || sumOverflow ? 0 : sum
            }
            (number, digits, numberOverflowed) = (0, 0, false)
            nextUnit = index + 1
            sawPart = true
        }
        return sawPart && digits == 0 ? total : nil
    }

    /// Where a unit's letter is in `units`, largest first.
    private static func unitIndex(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "d"): 0
        case UInt8(ascii: "h"): 1
        case UInt8(ascii: "m"): 2
        case UInt8(ascii: "s"): 3
        default: nil
        }
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
