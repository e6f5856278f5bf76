import Foundation

/// Times in traffic files and reports: RFC 3339 (what the API writes), or seconds since 1970.
public enum Timestamp {
    /// Seconds since 1970 of `text`: `2026-11-20T08:15:02Z`, with an optional fraction and a `Z` or `±HH:MM`
    /// offset (a space or `t` may stand for the `T`), or a plain number of seconds. Nil for anything else.
    public static func parse(_ text: String) -> Double? {
        var text = text
        // Read in place from the string's UTF-8: traffic files hold a time per line, a hundred thousand of them.
        return text.withUTF8 { bytes in
            var count = bytes.count
            while count > 0, bytes[count - 1] == 0x20 || bytes[count - 1] == 0x09 || bytes[count - 1] == 0x0D {
                count -= 1
            }
            let trimmed = UnsafeBufferPointer(rebasing: bytes[0..<count])
            guard let seconds = epochSeconds(trimmed) ?? rfc3339(trimmed), range.contains(seconds) else { return nil }
            return seconds
        }
    }

    /// The times a traffic file or test may name: the years 1 to 9999, as RFC 3339 writes them.
    public static let range: ClosedRange<Double> = -62_135_596_800...253_402_300_799

    /// `2026-11-20T08:15:02Z`, with milliseconds when the time has a fraction of a second.
    public static func format(_ seconds: Double) -> String {
        let seconds = seconds.isNaN ? 0 : min(max(seconds, range.lowerBound), range.upperBound)
        let whole = seconds.rounded(.down)
        let millis = Int(((seconds - whole) * 1000).rounded())
        var days = Int(whole) / 86_400
        var rest = Int(whole) % 86_400
        if rest < 0 {
            rest += 86_400
            days -= 1
        }
        let (year, month, day) = civil(fromDays: days)
        let text = String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d", year, month, day, rest / 3600, rest / 60 % 60, rest % 60)
        return millis == 0 ? text + "Z" : text + String(format: ".%03dZ", min(millis, 999))
    }

    private static func epochSeconds(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        guard !bytes.isEmpty, bytes.allSatisfy({ (0x30...0x39).contains($0) || $0 == UInt8(ascii: ".") }),
            bytes.filter({ $0 == UInt8(ascii: ".") }).count <= 1, bytes.first != UInt8(ascii: ".")
        else { return nil }
        return Double(String(decoding: bytes, as: UTF8.self))
    }

    private static func rfc3339(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        var index = 0
        func digits(_ count: Int) -> Int? {
            guard index + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<index + count] {
                guard (0x30...0x39).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            index += count
            return value
        }
        func expect(_ allowed: UInt8, or other: UInt8? = nil, or third: UInt8? = nil) -> Bool {
            guard index < bytes.count else { return false }
            let byte = bytes[index]
            guard byte == allowed || byte == other || byte == third else { return false }
            index += 1
            return true
        }
        guard let year = digits(4), expect(UInt8(ascii: "-")), let month = digits(2), expect(UInt8(ascii: "-")),
            let day = digits(2), expect(UInt8(ascii: "T"), or: UInt8(ascii: "t"), or: UInt8(ascii: " ")),
            let hour = digits(2), expect(UInt8(ascii: ":")), let minute = digits(2), expect(UInt8(ascii: ":")),
            let second = digits(2)
        else { return nil }
        var fraction = 0.0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            let start = index
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) {
                fraction += Double(bytes[index] - 0x30) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        var offset = 0
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let hours = digits(2), expect(UInt8(ascii: ":")), let minutes = digits(2), hours < 24, minutes < 60
            else { return nil }
            offset = sign * (hours * 3600 + minutes * 60)
        default:
            return nil
        }
        guard index == bytes.count, (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
            hour < 24, minute < 60, second <= 60
        else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        return Double(days * 86_400 + hour * 3600 + minute * 60 + second - offset) + fraction
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Year, month and day of day `days` after 1970-01-01 (proleptic Gregorian, Howard Hinnant's algorithm).
    public static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
