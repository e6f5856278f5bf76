import Foundation
import MittoEmulator
import MittoTestSupport
import Testing

/// Session search and usage records over thousands of sessions, checked against the same filters applied by the test
/// to every record read one by one: the SQL, its tallies and the paging give exactly those records, in order.
@Suite("Session search and usage: filtered and paged in SQL, the same records as filtering each one")
struct SessionSearchTests {
    static let limit = #"{"name":"per_phone","buckets":[{"name":"daily","max":2,"interval":86400}]}"#
    static let workflow = """
        {"name":"login","codeTtl":600,"maxAttempts":2,
         "steps":[{"channel":"sms","timeout":60,"from":"ACME","body":"Code {code}"},
                  {"channel":"call","timeout":120,"from":"+41445550000","body":"Your code is {code}"}]}
        """
    /// More than one tally block (4,096 rows), so pages start and end in either.
    static let sessionCount = 4_400
    /// A recipient with characters JSON must escape.
    static let oddRecipient = "odd \"quoted\" \\ \u{1} ä@mail.example"

    /// One record as the single-record endpoint gives it, with the fields the filters read.
    struct Record {
        var requestID: String
        var to: String
        var from: String?
        var channel: String?
        var workflow: String?
        var status: String
        var service: String?
        var day: String
        var channels: Set<String>
        var delivered: [(day: String, channel: String)]
        var json: String

        init(_ envelope: String) throws {
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(envelope.utf8)) as? [String: Any])
            let record = try #require(object["record"] as? [String: Any])
            requestID = try #require(record["requestID"] as? String)
            to = try #require(record["to"] as? String)
            from = record["from"] as? String
            channel = record["channel"] as? String
            workflow = record["workflow"] as? String
            status = try #require(record["status"] as? String)
            service = record["service"] as? String
            day = String(try #require(record["dateCreated"] as? String).prefix(10))
            let attempts = record["attempts"] as? [[String: String]] ?? []
            channels = Set(attempts.compactMap { $0["channel"] } + [channel].compactMap { $0 })
            delivered = attempts.filter { $0["deliveryStatus"] == "delivered" }.map {
                (day: String(($0["sentAt"] ?? "").prefix(10)), channel: $0["channel"] ?? "")
            }
            // The envelope is `{"code":200,"message":"OK","record":{…}}`: the record's own text.
            let prefix = #"{"code":200,"message":"OK","record":"#
            try #require(envelope.hasPrefix(prefix) && envelope.hasSuffix("}"))
            json = String(envelope.dropFirst(prefix.count).dropLast())
        }

        /// Whether the record matches `filter`, as the API defines each filter.
        func matches(_ filter: [String: String]) -> Bool {
            filter.allSatisfy { key, value in
                switch key {
                case "requestID": requestID == value
                case "to": to == value
                case "from": from == value
                case "channel": channel == value || channels.contains(value)
                case "workflow": workflow == value
                case "status": status == value
                case "service": service == value
                case "startDate": day >= value
                case "endDate": day <= value
                default: false
                }
            }
        }
    }

    /// Sends `count` requests of every kind over ten days, leaving them verified, failed, cancelled,
    /// blocked and expired; returns their request ids in the order sent.
    static func sendMany(_ http: RawHTTP, clock: SteppedClock, count: Int = sessionCount) async throws -> [String] {
        #expect(try await http.send("POST", "/2fa/limits", body: limit).status == 200)
        #expect(try await http.send("POST", "/2fa/workflows", body: workflow).status == 200)
        var sent: [String] = []
        for index in 0..<count {
            if index > 0 && index % (count / 10) == 0 { clock.advance(by: 86_400) }
            let phone = "+4179\(String(format: "%07d", index % 300))"
            let service = index % 2 == 0 ? "shop" : "bank"
            let from = index % 3 == 0 ? "BANK" : "ACME"
            let body: String
            switch index % 10 {
            case 6:
                body =
                    #"{"channel":"call","service":"\#(service)","from":"\#(from)","to":"\#(phone)","body":"{code}","code":"1234"}"#
            case 7:
                let to = index == 7 ? oddRecipient : "user\(index)@mail.example"
                body = """
                    {"channel":"email","service":"\(service)","to":\(jsonString(to)),"body":"{code}","code":"1234",
                     "emailFrom":"otp@acme.example","subject":"Code","limits":{"per_phone":"x\(index % 7)"}}
                    """
            case 8:
                body = #"{"workflow":"login","to":"\#(phone)","code":"1234","limits":{"per_phone":"\#(index % 15)"}}"#
            default:
                body =
                    #"{"service":"\#(service)","from":"\#(from)","to":"\#(phone)","body":"Code {code}","code":"1234"}"#
            }
            let response = try await http.send("POST", "/2fa/send", body: body)
            guard let requestID = response.json["requestID"] as? String else {
                // A limit refused it: the blocked session is searchable too, by its recipient.
                try #require(response.status == 429, "\(response.body)")
                continue
            }
            sent.append(requestID)
            switch index % 9 {
            case 0, 4:
                _ = try await http.send("POST", "/2fa/verify", body: #"{"requestID":"\#(requestID)","code":"1234"}"#)
            case 2:
                _ = try await http.send("POST", "/2fa/cancel", body: #"{"requestID":"\#(requestID)"}"#)
            case 5 where index % 27 == 5:
                for _ in 0..<5 {
                    _ = try await http.send(
                        "POST", "/2fa/verify", body: #"{"requestID":"\#(requestID)","code":"9999"}"#)
                }
            default: break
            }
        }
        // Every code still pending expires, and the workflows' second step goes out before that.
        clock.advance(by: 86_400)
        return sent
    }

    static func jsonString(_ text: String) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: [text]), as: UTF8.self).dropFirst().dropLast()
            .description
    }

    /// Every session's record, oldest first, read one by one (blocked ones found through the unfiltered search).
    static func allRecords(_ http: RawHTTP) async throws -> [Record] {
        var ids: [String] = []
        var page = 0
        while true {
            let response = try await http.send("GET", "/2fa/search?pageSize=1000&page=\(page)")
            let records = try #require(response.json["records"] as? [[String: Any]])
            ids += records.compactMap { $0["requestID"] as? String }
            if response.json["nextPageUri"] is NSNull || records.isEmpty { break }
            page += 1
        }
        var records: [Record] = []
        for id in ids {
            let response = try await http.send("GET", "/2fa/search/\(id)")
            try #require(response.status == 200)
            records.append(try Record(response.body))
        }
        return records
    }

    /// Checks pages of `filter` at several sizes against `records` filtered here.
    static func checkPages(_ http: RawHTTP, _ filter: [String: String], _ records: [Record]) async throws {
        let expected = records.filter { $0.matches(filter) }.map(\.requestID)
        for pageSize in [1_000, 37] {
            let numPages = (expected.count + pageSize - 1) / pageSize
            for page in Set([0, 1, numPages / 2, max(0, numPages - 1), numPages]).sorted() {
                var body: [String: Any] = filter
                body["page"] = page
                body["pageSize"] = pageSize
                let text = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
                let response = try await http.send("POST", "/2fa/search", body: text)
                #expect(response.status == 200, "\(filter) page \(page): \(response.body.prefix(300))")
                #expect(response.json["total"] as? Int == expected.count, "\(filter)")
                #expect(response.json["numPages"] as? Int == numPages, "\(filter)")
                #expect(response.json["page"] as? Int == page, "\(filter)")
                let ids = (response.json["records"] as? [[String: Any]] ?? []).compactMap { $0["requestID"] as? String }
                let slice = Array(expected.dropFirst(page * pageSize).prefix(pageSize))
                #expect(ids == slice, "\(filter) page \(page) of \(pageSize)")
                #expect((response.json["nextPageUri"] is NSNull) == (page + 1 >= numPages), "\(filter) page \(page)")
            }
        }
    }

    @Test("every filter and combination, at every kind of page, gives the records filtering each one gives")
    func filtersAndPages() async throws {
        let clock = SteppedClock()
        try await withRunningEmulator(environment: clock.environment) { emulator in
            let http = RawHTTP(emulator)
            let sent = try await Self.sendMany(http, clock: clock)
            let records = try await Self.allRecords(http)
            #expect(records.count == Self.sessionCount)
            #expect(Array(records.map(\.requestID).filter(Set(sent).contains)) == sent, "oldest first")
            let statuses = Set(records.map(\.status))
            #expect(statuses == ["verified", "failed", "cancelled", "expired", "blocked"])
            #expect(records.contains { $0.workflow == "login" && $0.channels == ["sms", "call"] })

            let days = Array(Set(records.map(\.day))).sorted()
            try #require(days.count == 10)
            let late = sent[sent.count * 9 / 10]
            let phone = "+4179" + String(format: "%07d", 42)
            let filters: [[String: String]] = [
                [:], ["status": "verified"], ["status": "expired"], ["status": "blocked"], ["status": "pending"],
                ["channel": "sms"], ["channel": "call"], ["channel": "email"], ["channel": "fax"],
                ["service": "shop"], ["service": "nope"], ["from": "BANK"], ["workflow": "login"], ["to": phone],
                ["to": Self.oddRecipient], ["requestID": late], ["requestID": late, "status": "nope"],
                ["startDate": days[3]], ["endDate": days[6]], ["startDate": days[2], "endDate": days[2]],
                ["status": "expired", "channel": "call"], ["service": "bank", "from": "BANK", "startDate": days[5]],
                ["workflow": "login", "status": "blocked", "endDate": days[8]], ["to": phone, "status": "verified"],
                ["channel": "email", "service": "shop", "startDate": days[1], "endDate": days[7]],
            ]
            for filter in filters where filter["status"] != "nope" {
                try await Self.checkPages(http, filter, records)
            }
            let bad = try await http.send("POST", "/2fa/search", body: #"{"status":"nope"}"#)
            #expect(bad.status == 400)
        }
    }

    @Test("a page's records are written byte for byte as the single-record endpoint writes them")
    func recordBytes() async throws {
        let clock = SteppedClock()
        try await withRunningEmulator(environment: clock.environment) { emulator in
            let http = RawHTTP(emulator)
            #expect(try await http.send("POST", "/2fa/limits", body: Self.limit).status == 200)
            #expect(try await http.send("POST", "/2fa/workflows", body: Self.workflow).status == 200)
            let bodies = [
                #"{"service":"shop","from":"ACME","to":"+41790000001","body":"{code}","limits":{"per_phone":"a\"b"}}"#,
                #"{"workflow":"login","to":"+41790000002","limits":{"per_phone":"z"}}"#,
                #"{"workflow":"login","to":"+41790000002","limits":{"per_phone":"z"}}"#,
                #"{"workflow":"login","to":"+41790000002","limits":{"per_phone":"z"}}"#,
                """
                {"channel":"email","service":"shop","to":\(Self.jsonString(Self.oddRecipient)),"body":"{code}",
                 "emailFrom":"a@b.example","subject":"S"}
                """,
            ]
            for body in bodies { _ = try await http.send("POST", "/2fa/send", body: body) }
            clock.advance(by: 90)
            let page = try await http.send("GET", "/2fa/search")
            let records = try #require(page.json["records"] as? [[String: Any]])
            #expect(records.count == bodies.count)
            for record in records {
                let id = try #require(record["requestID"] as? String)
                let single = try Record(try await http.send("GET", "/2fa/search/\(id)").body)
                #expect(page.body.contains(single.json), "\(single.json)")
            }
            #expect(records.contains { $0["blockedBy"] != nil })
        }
    }

    @Test("totals and pages follow new sessions and status changes")
    func afterChanges() async throws {
        let clock = SteppedClock()
        try await withRunningEmulator(environment: clock.environment) { emulator in
            let http = RawHTTP(emulator)
            var ids: [String] = []
            for index in 0..<60 {
                let body =
                    #"{"service":"shop","from":"ACME","to":"+4179000000\#(index % 4)","body":"{code}","code":"1234"}"#
                ids.append(
                    try #require(try await http.send("POST", "/2fa/send", body: body).json["requestID"] as? String))
            }
            func page(_ filter: String) async throws -> (total: Int?, ids: [String]) {
                let response = try await http.send("POST", "/2fa/search", body: filter)
                let records = response.json["records"] as? [[String: Any]] ?? []
                return (response.json["total"] as? Int, records.compactMap { $0["requestID"] as? String })
            }
            #expect(try await page(#"{"status":"pending","pageSize":7,"page":8}"#) == (60, Array(ids[56...])))
            for id in ids[10..<20] {
                _ = try await http.send("POST", "/2fa/verify", body: #"{"requestID":"\#(id)","code":"1234"}"#)
            }
            #expect(try await page(#"{"status":"verified"}"#) == (10, Array(ids[10..<20])))
            #expect(try await page(#"{"status":"pending","pageSize":10,"page":1}"#) == (50, Array(ids[20..<30])))
            let more = try #require(
                try await http.send(
                    "POST", "/2fa/send", body: #"{"service":"bank","from":"ACME","to":"+41790000001","body":"{code}"}"#
                ).json["requestID"] as? String)
            #expect(
                try await page(#"{"to":"+41790000001"}"#) == (
                    16, ids.indices.filter { $0 % 4 == 1 }.map { ids[$0] } + [more]
                ))
            clock.advance(by: 601)
            #expect(try await page(#"{"status":"expired","service":"bank"}"#) == (1, [more]))
            #expect(try await page(#"{"status":"pending"}"#).total == 0)
        }
    }

    @Test("usage records add up every delivered message by day and channel, as the records show them")
    func usage() async throws {
        let clock = SteppedClock()
        try await withRunningEmulator(environment: clock.environment) { emulator in
            let http = RawHTTP(emulator)
            _ = try await Self.sendMany(http, clock: clock, count: 900)
            let records = try await Self.allRecords(http)
            let delivered = records.flatMap(\.delivered)
            let days = Array(Set(delivered.map(\.day))).sorted()
            func counts(_ path: String) async throws -> [String: String] {
                let response = try await http.send("GET", path)
                let usage = try #require(response.json["usageRecords"] as? [[String: Any]], "\(response.body)")
                return Dictionary(
                    usage.map { ("\($0["startTime"] ?? "")/\($0["channel"] ?? "")", $0["count"] as? String ?? "") },
                    uniquingKeysWith: { first, _ in first })
            }
            func expected(_ start: String, _ end: String) -> [String: String] {
                let inRange = delivered.filter { $0.day >= start && $0.day <= end }
                var result = ["\(start)/all": String(inRange.count)]
                for channel in ["sms", "call", "email"] {
                    result["\(start)/\(channel)"] = String(inRange.filter { $0.channel == channel }.count)
                }
                return result
            }
            let today = days.last ?? ""
            #expect(try await counts("/2fa/usage/records?endDate=\(today)") == expected(days[0], today))
            #expect(
                try await counts("/2fa/usage/records?startDate=\(days[2])&endDate=\(days[4])")
                    == expected(days[2], days[4]))
            var daily: [String: String] = [:]
            for day in days { daily.merge(expected(day, day)) { first, _ in first } }
            #expect(try await counts("/2fa/usage/records/daily?endDate=\(today)") == daily)
            let calls = try await http.send(
                "POST", "/2fa/usage/records",
                body: #"{"channel":"call","startDate":"\#(days[3])","endDate":"\#(days[3])"}"#)
            #expect(
                (calls.json["usageRecords"] as? [[String: Any]])?.map { $0["count"] as? String }
                    == [expected(days[3], days[3])["\(days[3])/call"]])
        }
    }
}
