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
            requestID: requestID, accountSid: accountSid, service: service, from: messages.first?.from, to: to,
            channel: channel?.rawValue, workflow: workflow, status: status, blockedBy: blockedBy, limits: limits,
            attempts: attempts, verifyAttempts: verifyAttempts, dateCreated: Timestamp.format(dateCreated),
            dateUpdated: Timestamp.format(dateUpdated)
        )
    }
}

/// RFC 3339 UTC, whole seconds, as the API writes times.
enum Timestamp {
    static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: .gmt))
    }

    /// `YYYY-MM-DD` in UTC.
    static func day(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    /// The start of the UTC day `text` (`YYYY-MM-DD`) names, or nil.
    static func parseDay(_ text: String) -> Date? {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, text.count == 10 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        guard let date = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])),
            day(date) == text
        else { return nil }
        return date
    }
}
