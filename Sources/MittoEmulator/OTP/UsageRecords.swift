import Foundation
import MittoWire
import PolicyModel

/// `/2fa/usage/records` and its subresources: messages sent, per channel and in total, per period.
struct UsageRecords: Sendable {
    let engine: OTPEngine
    let directory: AccountDirectory

    /// How a subresource cuts time.
    enum Period: String, CaseIterable {
        case daily, monthly, yearly, today, yesterday, thismonth, lastmonth, alltime
    }

    var routes: [Route] {
        [
            Route(method: .get, pattern: "/2fa/usage/records") {
                try await records($0, filters: $0.query, period: nil)
            },
            Route(method: .post, pattern: "/2fa/usage/records") {
                try await records($0, filters: $0.body ?? .object([]), period: nil)
            },
            Route(method: .get, pattern: "/2fa/usage/records/{subresource}") { request in
                let name = (request.parameters["subresource"] ?? "").lowercased()
                guard let period = Period(rawValue: name) else {
                    let known = "daily, monthly, yearly, today, yesterday, thisMonth, lastMonth, allTime"
                    throw APIError(.notFound, "No usage subresource '\(name)'; known: \(known)")
                }
                return try await records(request, filters: request.query, period: period)
            },
        ]
    }

    static let channels = ["sms", "call", "email"]
    static let descriptions = [
        "sms": "OTPs sent by SMS", "call": "OTPs sent by voice call", "email": "OTPs sent by email", "all": "OTPs sent",
    ]

    private func records(_ request: APIRequest, filters: WireValue, period: Period?) async throws -> APIResponse {
        let caller = request.account.account.sid
        var reader = BodyReader(valuesAreText: true)
        guard
            let fields = reader.object(
                filters, at: FieldPath(), known: ["startDate", "endDate", "channel", "accountSid"])
        else { throw APIError.invalid(reader.problems) }
        let startText = reader.filter(fields, "startDate")
        let endText = reader.filter(fields, "endDate")
        let channel = reader.filter(fields, "channel")
        let account = reader.filter(fields, "accountSid") ?? caller
        var problems = reader.problems
        let startDate = startText.flatMap(Timestamp.parseDay)
        let endDate = endText.flatMap(Timestamp.parseDay)
        if startText != nil && startDate == nil {
            problems.append(
                .init(field: FieldPath([.key("startDate")]), kind: .invalidFormat, message: "must be a date YYYY-MM-DD")
            )
        }
        if endText != nil && endDate == nil {
            problems.append(
                .init(field: FieldPath([.key("endDate")]), kind: .invalidFormat, message: "must be a date YYYY-MM-DD"))
        }
        if let channel, !(Self.channels + ["all"]).contains(channel) {
            problems.append(
                .init(
                    field: FieldPath([.key("channel")]), kind: .invalidFormat,
                    message: "must be sms, call, email or all"))
        }
        guard problems.isEmpty else { throw APIError.invalid(problems) }
        guard directory.may(caller, actOn: account) else { throw APIError.forbiddenAccount(account) }

        let usage = try await engine.usage(accountSid: account)
        let today = engine.environment.now()
        let windows = Self.windows(
            period ?? .alltime, sends: usage.map(\.day), today: today, start: startText, end: endText)
        var result: [UsageRecord] = []
        for window in windows {
            let inWindow = usage.filter { $0.day >= window.start && $0.day <= window.end }
            for name in Self.channels + ["all"] where channel == nil || channel == name {
                let count = inWindow.reduce(0) { $0 + (name == "all" || $1.channel == name ? $1.count : 0) }
                var query = ["startDate=\(window.start)", "endDate=\(window.end)", "channel=\(name)"]
                if account != caller { query.append("accountSid=\(account)") }
                result.append(
                    UsageRecord(
                        channel: name, description: Self.descriptions[name] ?? name, accountSid: account,
                        startTime: window.start, endTime: window.end, count: count,
                        uri: "/2fa/usage/records?" + query.joined(separator: "&")
                    )
                )
            }
        }
        return .payload(UsageEnvelope(usageRecords: result))
    }

    /// The periods to report, as inclusive `YYYY-MM-DD` ranges, clipped to `start` and `end`.
    static func windows(
        _ period: Period, sends: [String], today: Date, start: String?, end: String?
    ) -> [(start: String, end: String)] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let todayText = Timestamp.day(today)
        let first = start ?? sends.min() ?? todayText
        let last = end ?? max(todayText, sends.max() ?? todayText)
        func monthRange(_ date: Date) -> (String, String) {
            let startOfMonth = calendar.date(from: calendar.dateComponents([.year, .month], from: date))!
            let endOfMonth = calendar.date(byAdding: DateComponents(month: 1, day: -1), to: startOfMonth)!
            return (Timestamp.day(startOfMonth), Timestamp.day(endOfMonth))
        }
        switch period {
        case .alltime: return [(first, last)]
        case .today: return [(todayText, todayText)]
        case .yesterday:
            let day = Timestamp.day(today.addingTimeInterval(-86_400))
            return [(day, day)]
        case .thismonth: return [monthRange(today)]
        case .lastmonth: return [monthRange(calendar.date(byAdding: .month, value: -1, to: today)!)]
        case .daily, .monthly, .yearly:
            guard var cursor = Timestamp.parseDay(first), let stop = Timestamp.parseDay(last), cursor <= stop else {
                return []
            }
            var windows: [(String, String)] = []
            while cursor <= stop, windows.count < 3_660 {
                let next: Date
                let window: (String, String)
                switch period {
                case .daily:
                    window = (Timestamp.day(cursor), Timestamp.day(cursor))
                    next = cursor.addingTimeInterval(86_400)
                case .monthly:
                    window = monthRange(cursor)
                    next = calendar.date(
                        byAdding: .month, value: 1,
                        to: calendar.date(from: calendar.dateComponents([.year, .month], from: cursor))!)!
                default:
                    let year = calendar.component(.year, from: cursor)
                    window = (String(format: "%04d-01-01", year), String(format: "%04d-12-31", year))
                    next = calendar.date(from: DateComponents(year: year + 1, month: 1, day: 1))!
                }
                windows.append((max(window.0, first), min(window.1, last)))
                cursor = next
            }
            return windows
        }
    }
}
