import Foundation
import MittoEmulator
import MittoTestSupport
import Testing

@Suite("OTP: send, verify, cancel with limits enforced and workflows run on a stepped clock")
struct OTPTests {
    static let limit =
        #"{"name":"limit_on_phone","buckets":[{"name":"burst","max":3,"interval":600},{"name":"daily","max":5,"interval":86400}]}"#
    static let workflow = """
        {"name":"login","codeLength":6,"codeTtl":600,"maxAttempts":3,
         "steps":[{"channel":"sms","timeout":60,"from":"ACME","body":"Your ACME code is {code}"},
                  {"channel":"call","timeout":120,"from":"+41445550000","body":"Your code is {code}","language":"en-US"}]}
        """
    static let phone = "+41790000001"

    static func send(
        _ http: RawHTTP, to: String = phone, extra: String = #","limits":{"limit_on_phone":"+41790000001"}"#
    ) async throws -> RawResponse {
        try await http.send("POST", "/2fa/send", body: #"{"workflow":"login","to":"\#(to)"\#(extra)}"#)
    }

    static func outbox(_ http: RawHTTP, to: String = phone) async throws -> [[String: Any]] {
        try await http.send("GET", "/_emulator/outbox?to=\(to.replacingOccurrences(of: "+", with: "%2B"))").json[
            "messages"] as? [[String: Any]] ?? []
    }

    static func code(in message: [String: Any]) -> String {
        String((message["body"] as? String ?? "").filter(\.isNumber).suffix(6))
    }

    static func withOTPEmulator(
        clock: SteppedClock, configure: @escaping @Sendable (inout EmulatorConfiguration) -> Void = { _ in },
        _ body: @Sendable (RawHTTP) async throws -> Void
    ) async throws {
        try await withRunningEmulator(environment: clock.environment, configure: configure) { emulator in
            let http = RawHTTP(emulator)
            #expect(try await http.send("POST", "/2fa/limits", body: limit).status == 200)
            #expect(try await http.send("POST", "/2fa/workflows", body: workflow).status == 200)
            try await body(http)
        }
    }

    @Test("a two-bucket limit refuses at the right send and admits again when the window slides")
    func limitWindows() async throws {
        let clock = SteppedClock()
        try await Self.withOTPEmulator(clock: clock) { http in
            for _ in 0..<3 {
                #expect(try await Self.send(http).status == 200)
                clock.advance(by: 60)
            }
            let refused = try await Self.send(http)
            #expect(refused.status == 429)
            #expect(refused.headers["retry-after"] == "420")
            #expect((refused.json["message"] as? String)?.contains("limit 'limit_on_phone', bucket 'burst'") == true)
            #expect(
                try await Self.send(http, to: "+41790000002", extra: #","limits":{"limit_on_phone":"+41790000002"}"#)
                    .status == 200)
            clock.advance(by: 420)
            #expect(try await Self.send(http).status == 200)
            #expect(try await Self.send(http).status == 429)
            clock.advance(by: 60)
            #expect(try await Self.send(http).status == 200)
            clock.advance(by: 600)
            let daily = try await Self.send(http)
            #expect(daily.status == 429)
            #expect((daily.json["message"] as? String)?.contains("bucket 'daily'") == true)
            let blocked = try await http.send("POST", "/2fa/search", body: #"{"status":"blocked"}"#)
            let records = try #require(blocked.json["records"] as? [[String: Any]])
            #expect(records.count == 3)
            #expect(
                (records.first?["blockedBy"] as? [String: String]) == ["limit": "limit_on_phone", "bucket": "burst"])
            #expect((records.first?["attempts"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("a workflow falls back from SMS to a call with the same code when the SMS is not verified in time")
    func fallback() async throws {
        let clock = SteppedClock()
        try await Self.withOTPEmulator(clock: clock) { http in
            let requestID = try #require(try await Self.send(http).json["requestID"] as? String)
            var messages = try await Self.outbox(http)
            #expect(messages.map { $0["channel"] as? String } == ["sms"])
            clock.advance(by: 59)
            #expect(try await Self.outbox(http).count == 1)
            clock.advance(by: 2)
            messages = try await Self.outbox(http)
            #expect(messages.map { $0["channel"] as? String } == ["sms", "call"])
            #expect(Self.code(in: messages[0]) == Self.code(in: messages[1]))
            let verify = try await http.send(
                "POST", "/2fa/verify", body: #"{"requestID":"\#(requestID)","code":"\#(Self.code(in: messages[1]))"}"#)
            #expect(verify.status == 200)
            #expect(verify.json["status"] as? String == "verified")
            let record = try await http.send("GET", "/2fa/search/\(requestID)")
            let attempts = try #require((record.json["record"] as? [String: Any])?["attempts"] as? [[String: Any]])
            #expect(attempts.map { $0["channel"] as? String } == ["sms", "call"])
        }
    }

    @Test("a code verified in time stops the workflow: no call follows")
    func noFallbackAfterVerify() async throws {
        let clock = SteppedClock()
        try await Self.withOTPEmulator(clock: clock) { http in
            let requestID = try #require(try await Self.send(http).json["requestID"] as? String)
            clock.advance(by: 30)
            let code = Self.code(in: try #require(try await Self.outbox(http).first))
            #expect(
                try await http.send("POST", "/2fa/verify", body: #"{"requestID":"\#(requestID)","code":"\#(code)"}"#)
                    .status == 200)
            clock.advance(by: 300)
            #expect(try await Self.outbox(http).count == 1)
            let again = try await http.send(
                "POST", "/2fa/verify", body: #"{"requestID":"\#(requestID)","code":"\#(code)"}"#)
            #expect(again.status == 409)
        }
    }

    @Test("wrong codes use up the attempts; after that even the right code does not verify")
    func attempts() async throws {
        let clock = SteppedClock()
        try await Self.withOTPEmulator(clock: clock) { http in
            let requestID = try #require(try await Self.send(http).json["requestID"] as? String)
            let code = Self.code(in: try #require(try await Self.outbox(http).first))
            let wrong = code == "000000" ? "111111" : "000000"
            for remaining in [2, 1] {
                let response = try await http.send(
                    "POST", "/2fa/verify", body: #"{"requestID":"\#(requestID)","code":"\#(wrong)"}"#)
                #expect(response.status == 400)
                #expect(response.json["status"] as? String == "pending")
                #expect(response.json["attemptsRemaining"] as? Int == remaining)
            }
            let last = try await http.send(
                "POST", "/2fa/verify", body: #"{"requestID":"\#(requestID)","code":"\#(wrong)"}"#)
            #expect(last.status == 429)
            #expect(last.json["status"] as? String == "failed")
            let right = try await http.send(
                "POST", "/2fa/verify", body: #"{"requestID":"\#(requestID)","code":"\#(code)"}"#)
            #expect(right.status == 429)
        }
    }

    @Test("concurrent wrong verifies never get more tries than maxAttempts, nor lose one")
    func concurrentVerifies() async throws {
        let clock = SteppedClock()
        try await Self.withOTPEmulator(clock: clock) { http in
            let requestID = try #require(try await Self.send(http).json["requestID"] as? String)
            let code = Self.code(in: try #require(try await Self.outbox(http).first))
            let wrong = code == "000000" ? "111111" : "000000"
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<12 {
                    group.addTask {
                        try await http.send(
                            "POST", "/2fa/verify", body: #"{"requestID":"\#(requestID)","code":"\#(wrong)"}"#
                        )
                        .status
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 400 }.count == 2)
            #expect(statuses.filter { $0 == 429 }.count == 10)
            let record = try await http.send("GET", "/2fa/search/\(requestID)")
            #expect((record.json["record"] as? [String: Any])?["verifyAttempts"] as? Int == 3)
        }
    }

    @Test("codes expire at codeTtl; cancelled requests cannot verify; cancel answers 200, 409, 404")
    func expiryAndCancel() async throws {
        let clock = SteppedClock()
        try await Self.withOTPEmulator(clock: clock) { http in
            let expiring = try #require(try await Self.send(http).json["requestID"] as? String)
            let code = Self.code(in: try #require(try await Self.outbox(http).first))
            clock.advance(by: 601)
            let expired = try await http.send(
                "POST", "/2fa/verify", body: #"{"requestID":"\#(expiring)","code":"\#(code)"}"#)
            #expect(expired.status == 410)
            #expect(expired.json["status"] as? String == "expired")
            #expect(try await Self.outbox(http).count == 2)

            let cancelled = try #require(try await Self.send(http).json["requestID"] as? String)
            #expect(try await http.send("POST", "/2fa/cancel", body: #"{"requestID":"\#(cancelled)"}"#).status == 200)
            #expect(try await http.send("POST", "/2fa/cancel", body: #"{"requestID":"\#(cancelled)"}"#).status == 409)
            let late = try await http.send(
                "POST", "/2fa/verify", body: #"{"requestID":"\#(cancelled)","code":"123456"}"#)
            #expect(late.status == 410)
            #expect(late.json["status"] as? String == "cancelled")
            #expect(
                try await http.send(
                    "POST", "/2fa/cancel", body: #"{"requestID":"OTP00000000000000000000000000000000"}"#
                ).status == 404)
        }
    }

    @Test("the code appears in no answer and no record, only in the outbox")
    func codeStaysSecret() async throws {
        let clock = SteppedClock()
        try await Self.withOTPEmulator(clock: clock) { http in
            let send = try await http.send(
                "POST", "/2fa/send",
                body: #"{"service":"acme","from":"ACME","to":"+41790000009","body":"Code: {code}","code":"48213579"}"#
            )
            #expect(send.status == 200)
            let requestID = try #require(send.json["requestID"] as? String)
            let messages = try await Self.outbox(http, to: "+41790000009")
            #expect(messages.first?["body"] as? String == "Code: 48213579")
            for path in ["/2fa/search/\(requestID)", "/2fa/search", "/2fa/search.xml", "/2fa/usage/records"] {
                #expect(!(try await http.send("GET", path).body.contains("48213579")), "\(path)")
            }
            #expect(!send.body.contains("48213579"))
            #expect(
                try await http.send("POST", "/2fa/verify", body: #"{"requestID":"\#(requestID)","code":"48213579"}"#)
                    .status == 200)
        }
    }

    @Test("send refuses unknown limits and workflows, and missing fields, all at once")
    func invalidSends() async throws {
        let clock = SteppedClock()
        try await Self.withOTPEmulator(clock: clock) { http in
            let unknownLimit = try await Self.send(http, extra: #","limits":{"nope":"x"}"#)
            #expect(unknownLimit.status == 400)
            #expect((unknownLimit.json["details"] as? [[String: String]])?.first?["field"] == "limits.nope")
            let unknownWorkflow = try await http.send(
                "POST", "/2fa/send", body: #"{"workflow":"nope","to":"+41790000001"}"#)
            #expect(unknownWorkflow.status == 400)
            let missing = try await http.send("POST", "/2fa/send", body: #"{"channel":"email","to":"a@b.example"}"#)
            let fields = Set((missing.json["details"] as? [[String: String]] ?? []).compactMap { $0["field"] })
            #expect(fields == ["body", "emailFrom", "subject", "service"])
            #expect(try await http.send("GET", "/2fa/search").json["total"] as? Int == 0)
        }
    }

    @Test("form bodies: a single-channel send with a limits map and capitalised keys")
    func formSend() async throws {
        let clock = SteppedClock()
        try await Self.withOTPEmulator(clock: clock) { http in
            let form =
                "Service=acme&From=ACME&To=%2B41790000003&Body=Code+%7Bcode%7D&Channel=sms&limits[limit_on_phone]=%2B41790000003"
            let response = try await http.send(
                "POST", "/2fa/send.json", body: form, contentType: "application/x-www-form-urlencoded")
            #expect(response.status == 200, "\(response.body)")
            let messages = try await Self.outbox(http, to: "+41790000003")
            #expect((messages.first?["body"] as? String)?.hasPrefix("Code ") == true)
        }
    }

    @Test("usage records count what was sent, per channel and in total")
    func usage() async throws {
        let clock = SteppedClock()
        try await Self.withOTPEmulator(clock: clock) { http in
            for index in 0..<3 {
                _ = try await Self.send(http, to: "+4179000010\(index)", extra: "")
            }
            clock.advance(by: 61)
            let outboxCount = try await (0..<3).asyncReduce(0) { total, index in
                total + (try await Self.outbox(http, to: "+4179000010\(index)")).count
            }
            #expect(outboxCount == 6)
            let records = try #require(
                try await http.send("GET", "/2fa/usage/records").json["usageRecords"] as? [[String: Any]])
            let counts = Dictionary(
                uniqueKeysWithValues: records.map { ($0["channel"] as? String ?? "", $0["count"] as? String ?? "") })
            #expect(counts == ["sms": "3", "call": "3", "email": "0", "all": "6"])
            let today = try #require(
                try await http.send("GET", "/2fa/usage/records/Today.json").json["usageRecords"] as? [[String: Any]])
            #expect(today.first { $0["channel"] as? String == "all" }?["count"] as? String == "6")
            let sms = try await http.send("POST", "/2fa/usage/records", body: #"{"channel":"sms"}"#)
            #expect((sms.json["usageRecords"] as? [[String: Any]])?.map { $0["count"] as? String } == ["3"])
            #expect(try await http.send("GET", "/2fa/usage/records/weekly").status == 404)
        }
    }

    @Test("a share of deliveries can fail, and a failed step moves on to the next at once")
    func failedDelivery() async throws {
        let clock = SteppedClock()
        var environment = clock.environment
        environment.random = { 0 }
        let configure: @Sendable (inout EmulatorConfiguration) -> Void = { $0.deliveryFailureRate = 0.5 }
        try await withRunningEmulator(environment: environment, configure: configure) { emulator in
            let http = RawHTTP(emulator)
            _ = try await http.send("POST", "/2fa/workflows", body: Self.workflow)
            _ = try await http.send("POST", "/2fa/send", body: #"{"workflow":"login","to":"+41790000004"}"#)
            let messages = try await Self.outbox(http, to: "+41790000004")
            #expect(messages.map { $0["deliveryStatus"] as? String } == ["failed", "failed"])
        }
    }
}

extension Sequence {
    func asyncReduce<Result>(_ initial: Result, _ next: (Result, Element) async throws -> Result) async rethrows
        -> Result
    {
        var result = initial
        for element in self { result = try await next(result, element) }
        return result
    }
}

@Suite("Delivery log and outbox switch")
struct DeliveryLogTests {
    @Test("every delivered message is appended to the delivery log as a JSON line; --no-outbox hides the outbox")
    func deliveryLog() async throws {
        try await withTemporaryDirectory { directory in
            let log = directory.appendingPathComponent("deliveries.jsonl").path
            let configure: @Sendable (inout EmulatorConfiguration) -> Void = {
                $0.deliveryLogPath = log
                $0.outboxEnabled = false
            }
            try await withRunningEmulator(configure: configure) { emulator in
                let http = RawHTTP(emulator)
                for index in 0..<2 {
                    let body = #"{"service":"acme","from":"ACME","to":"+4179000002\#(index)","body":"Code {code}"}"#
                    let sent = try await http.send("POST", "/2fa/send", body: body)
                    #expect(sent.status == 200)
                }
                let outbox = try await http.send("GET", "/_emulator/outbox")
                #expect(outbox.status == 404)
            }
            let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
            #expect(lines.count == 2)
            let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
            #expect(first["to"] as? String == "+41790000020")
            #expect(first["body"] as? String == "Code ••••••")
            let mode = try FileManager.default.attributesOfItem(atPath: log)[.posixPermissions] as? Int
            #expect(mode == 0o600)
        }
    }

    @Test("the delivery log masks every digit of the code and keeps the rest; the outbox shows the code")
    func deliveryLogMasksCode() async throws {
        try await withTemporaryDirectory { directory in
            let log = directory.appendingPathComponent("deliveries.jsonl").path
            try await withRunningEmulator(configure: { $0.deliveryLogPath = log }) { emulator in
                let http = RawHTTP(emulator)
                let body = """
                    {"service":"acme","from":"ACME","to":"+41790000030","body":"{code} is your code (call 12)",
                     "code":"4242"}
                    """
                #expect(try await http.send("POST", "/2fa/send", body: body).status == 200)
                let shown = try #require(try await OTPTests.outbox(http, to: "+41790000030").first)
                #expect(shown["body"] as? String == "4242 is your code (call 12)")
                let text = try String(contentsOfFile: log, encoding: .utf8)
                #expect(!text.contains("4242"))
                let logged = try #require(
                    try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
                )
                #expect(logged["body"] as? String == "•••• is your code (call 12)")
                var unmasked = logged
                unmasked["body"] = shown["body"]
                #expect(NSDictionary(dictionary: unmasked).isEqual(to: shown))
            }
        }
    }
}
