import Foundation
import MittoEmulator
import MittoTestSupport
import Testing

@Suite("Send counters belong to a limit's sid and are forgotten only when no limit can count them")
struct SendHistoryTests {
    static let phone = "+41790000001"
    static func limitBody(_ name: String, interval: Int = 600) -> String {
        #"{"name":"\#(name)","buckets":[{"name":"burst","max":3,"interval":\#(interval)}]}"#
    }

    static func send(_ http: RawHTTP, limit: String) async throws -> Int {
        try await http.send(
            "POST", "/2fa/send",
            body:
                #"{"service":"acme","from":"ACME","to":"\#(phone)","body":"Code {code}","limits":{"\#(limit)":"\#(phone)"}}"#
        ).status
    }

    static func createLimit(_ http: RawHTTP, _ body: String) async throws -> String {
        let created = try await http.send("POST", "/2fa/limits", body: body)
        return try #require((created.json["limit"] as? [String: Any])?["sid"] as? String)
    }

    static func keptSends(_ emulator: RunningEmulator) async throws -> Int {
        try await #require(emulator.store as? SQLitePolicyStore).acceptedSendCount()
    }

    @Test("renaming a limit keeps its windows: the fourth send is still refused under the new name")
    func renameKeepsCounting() async throws {
        let clock = SteppedClock()
        try await withRunningEmulator(environment: clock.environment) { emulator in
            let http = RawHTTP(emulator)
            let sid = try await Self.createLimit(http, Self.limitBody("per_phone"))
            for _ in 0..<3 { #expect(try await Self.send(http, limit: "per_phone") == 200) }
            let renamed = try await http.send("PUT", "/2fa/limits/\(sid)", body: Self.limitBody("phone_cap"))
            #expect(renamed.status == 200)
            #expect(try await Self.send(http, limit: "phone_cap") == 429)
        }
    }

    @Test("lengthening a window counts the sends accepted before the change")
    func longerWindowCountsEarlierSends() async throws {
        let clock = SteppedClock()
        try await withRunningEmulator(environment: clock.environment) { emulator in
            let http = RawHTTP(emulator)
            let sid = try await Self.createLimit(http, Self.limitBody("per_phone", interval: 60))
            for _ in 0..<3 { #expect(try await Self.send(http, limit: "per_phone") == 200) }
            clock.advance(by: 3_600)
            let longer = try await http.send(
                "PUT", "/2fa/limits/\(sid)", body: Self.limitBody("per_phone", interval: 86_400))
            #expect(longer.status == 200)
            #expect(try await Self.send(http, limit: "per_phone") == 429)
        }
    }

    @Test("a new limit that takes a deleted limit's name starts with no sends; the deleted one's are forgotten")
    func reusedNameStartsFresh() async throws {
        let clock = SteppedClock()
        try await withRunningEmulator(environment: clock.environment) { emulator in
            let http = RawHTTP(emulator)
            let old = try await Self.createLimit(http, Self.limitBody("per_phone"))
            for _ in 0..<3 { #expect(try await Self.send(http, limit: "per_phone") == 200) }
            #expect(try await Self.keptSends(emulator) == 3)
            #expect(try await http.send("DELETE", "/2fa/limits/\(old)").status == 200)
            #expect(try await Self.keptSends(emulator) == 0)
            _ = try await Self.createLimit(http, Self.limitBody("per_phone"))
            #expect(try await Self.send(http, limit: "per_phone") == 200)
        }
    }

    @Test("sends older than the longest interval a bucket may have are pruned")
    func pruned() async throws {
        let clock = SteppedClock()
        try await withRunningEmulator(environment: clock.environment) { emulator in
            let http = RawHTTP(emulator)
            _ = try await Self.createLimit(http, Self.limitBody("per_phone", interval: 60))
            for _ in 0..<3 {
                #expect(try await Self.send(http, limit: "per_phone") == 200)
                clock.advance(by: 60)
            }
            #expect(try await Self.keptSends(emulator) == 3)
            // A limit's own window is long past, but a PUT could still lengthen it to a year: nothing is forgotten.
            clock.advance(by: 86_400)
            #expect(try await Self.send(http, limit: "per_phone") == 200)
            #expect(try await Self.keptSends(emulator) == 4)
            // A year after the first three, only the fourth can still count.
            clock.advance(by: 31_536_000 - 86_400)
            #expect(try await Self.send(http, limit: "per_phone") == 200)
            #expect(try await Self.keptSends(emulator) == 2)
        }
    }
}
