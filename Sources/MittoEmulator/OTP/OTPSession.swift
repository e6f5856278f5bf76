import Foundation
import MittoWire
import PolicyModel

/// One message a session sends: the channel and what it says, from a workflow step or the send request.
struct PlannedMessage: Codable, Hashable, Sendable {
    var channel: Channel
    var from: String?
    var body: String
    var subject: String?
    var emailFrom: String?
    var language: String?
    var voice: Voice?
    var `repeat`: Int?
    /// Seconds after this message before the next one is sent without a verify.
    var timeout: Int
}

/// An OTP request as the emulator keeps it; the code only as a keyed hash.
struct OTPSession: Codable, Hashable, Sendable {
    var requestID: String
    var accountSid: String
    var service: String?
    /// The sender of the first message.
    var from: String?
    var to: String
    var channel: Channel?
    var workflow: String?
    var status: OTPStatus
    var blockedBy: BlockedBy?
    var limits: [String: String]
    var messages: [PlannedMessage]
    var attempts: [DeliveryAttempt]
    /// The index of the next message to send.
    var nextMessage: Int
    /// When the next message is due, if any.
    var nextMessageAt: Date?
    var verifyAttempts: Int
    var maxAttempts: Int
    var codeHash: Data
    var expiresAt: Date
    var callbackUrl: String?
    var callbackMethod: String?
    var dateCreated: Date
    var dateUpdated: Date

    /// The record the API shows: never the code.
    var record: SessionDetailRecord {
        SessionDetailRecord(
            requestID: requestID, accountSid: accountSid, service: service, from: from, to: to,
            channel: channel?.rawValue, workflow: workflow, status: status, blockedBy: blockedBy, limits: limits,
            attempts: attempts, verifyAttempts: verifyAttempts, dateCreated: Timestamp.format(dateCreated),
            dateUpdated: Timestamp.format(dateUpdated)
        )
    }
}

/// RFC 3339 UTC, whole seconds, as the API writes times.
enum Timestamp {
    /// `YYYY-MM-DDTHH:MM:SSZ` in UTC, the fraction of a second dropped.
    static func format(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let (days, secondOfDay) = seconds.quotientAndRemainder(dividingBy: 86_400)
        let day = secondOfDay < 0 ? days - 1 : days
        let second = secondOfDay < 0 ? secondOfDay + 86_400 : secondOfDay
        var text = civil(day)
        text += "T"
        appendTwoDigits(second / 3600, to: &text)
        text += ":"
        appendTwoDigits(second / 60 % 60, to: &text)
        text += ":"
        appendTwoDigits(second % 60, to: &text)
        text += "Z"
        return text
    }

    /// `YYYY-MM-DD` in UTC.
    static func day(_ date: Date) -> String {
        civil(dayNumber(date))
    }

    /// Whole days since 1970-01-01 in UTC.
    static func dayNumber(_ date: Date) -> Int {
        Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
    }

    /// The start of the UTC day `text` (`YYYY-MM-DD`) names, or nil.
    static func parseDay(_ text: String) -> Date? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count == 10, parts.count == 3,
            parts.allSatisfy({ $0.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), (1...12).contains(month),
            (1...31).contains(day)
        else { return nil }
        let date = Date(
            timeIntervalSince1970: Double(PolicyModel.Timestamp.daysFromCivil(year: year, month: month, day: day))
                * 86_400)
        return Self.day(date) == text ? date : nil
    }

    /// `YYYY-MM-DD` of day `days` after 1970-01-01 (the calendar arithmetic is `PolicyModel.Timestamp`'s).
    private static func civil(_ days: Int) -> String {
        let (year, month, day) = PolicyModel.Timestamp.civil(fromDays: days)
        var text = ""
        text.reserveCapacity(20)
        let yearText = String(year)
        text += String(repeating: "0", count: max(0, 4 - yearText.count)) + yearText
        text += "-"
        appendTwoDigits(month, to: &text)
        text += "-"
        appendTwoDigits(day, to: &text)
        return text
    }

    private static func appendTwoDigits(_ value: Int, to text: inout String) {
        text.unicodeScalars.append(Unicode.Scalar(UInt8(48 + value / 10)))
        text.unicodeScalars.append(Unicode.Scalar(UInt8(48 + value % 10)))
    }
}
