import Foundation
import LimitEngine
import PolicyModel
import Testing

@Suite("Sliding windows: when a limit refuses a send")
struct LimitEngineTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    static let phone = Limit(
        name: "limit_on_phone",
        buckets: [.init(name: "burst", max: 3, interval: 600), .init(name: "daily", max: 5, interval: 86_400)]
    )

    static let phoneSid = "LM" + String(repeating: "1", count: 32)
    static let key = "+41790000000"

    static func at(_ seconds: Double) -> Date { start.addingTimeInterval(seconds) }

    /// Accepted sends of `phone` at `times` (seconds from start) for `keyValue`.
    static func history(_ times: [Double], limitSid: String = phoneSid, keyValue: String = key) -> [LimitEngine
        .SendEvent]
    {
        times.map { .init(limitSid: limitSid, keyValue: keyValue, at: at($0)) }
    }

    /// Sends at `times` (seconds from start), each recorded only when admitted; the refusals by index.
    static func run(_ times: [Double], limit: Limit = phone) -> [Int: LimitEngine.Refusal] {
        var accepted: [LimitEngine.SendEvent] = []
        var refusals: [Int: LimitEngine.Refusal] = [:]
        for (index, time) in times.enumerated() {
            let application = LimitEngine.Application(
                limitSid: phoneSid, limit: limit, keyValue: key, history: accepted)
            if let refusal = LimitEngine.check([application], at: at(time)) {
                refusals[index] = refusal
            } else {
                accepted += history([time])
            }
        }
        return refusals
    }

    @Test("the fourth send in ten minutes is refused by the burst bucket, with the wait until the first leaves")
    func burst() throws {
        let refusals = Self.run([0, 60, 120, 180])
        let refusal = try #require(refusals[3])
        #expect(refusals.count == 1)
        #expect(refusal.bucket == "burst")
        #expect(refusal.count == 3)
        #expect(refusal.retryAfter == 420)
    }

    @Test("the window slides: a send is admitted once the oldest leaves it; refused sends do not count")
    func slides() {
        // 0, 60, 120 admitted; 180 refused; 600 is exactly 600 s after 0, so 0 has left the window.
        let refusals = Self.run([0, 60, 120, 180, 599, 600])
        #expect(Set(refusals.keys) == [3, 4])
    }

    @Test("the daily bucket refuses once five got through, with the longest wait")
    func daily() throws {
        let refusals = Self.run([0, 1, 2, 700, 701, 1_400])
        let refusal = try #require(refusals[5])
        #expect(refusal.bucket == "daily")
        #expect(refusal.retryAfter == 86_400 - 1_400)
    }

    @Test("when both buckets are full, the first is named and the wait covers both")
    func both() throws {
        let tight = Limit(
            name: "l", buckets: [.init(name: "a", max: 1, interval: 60), .init(name: "b", max: 1, interval: 3_600)])
        let refusal = try #require(Self.run([0, 10], limit: tight)[1])
        #expect(refusal.bucket == "a")
        #expect(refusal.retryAfter == 3_590)
    }

    @Test("other key values and other limits do not count; the same history for this key does")
    func separateKeys() {
        // Three sends fill the burst bucket for the key they name, whichever limit they are recorded under.
        let full = [0.0, 60, 120]
        let otherKey = Self.history(full, keyValue: "+41790000001")
        let otherLimit = Self.history(full, limitSid: "LM" + String(repeating: "2", count: 32))
        func check(_ history: [LimitEngine.SendEvent]) -> LimitEngine.Refusal? {
            LimitEngine.check(
                [.init(limitSid: Self.phoneSid, limit: Self.phone, keyValue: Self.key, history: history)],
                at: Self.at(180)
            )
        }
        #expect(check(otherKey + otherLimit) == nil)
        #expect(check(otherKey + otherLimit + Self.history(full))?.bucket == "burst")
        #expect(LimitEngine.horizon([Self.phone]) == 86_400)
    }

    @Test("the history belongs to the limit's sid: a renamed limit keeps counting")
    func renameKeepsHistory() {
        var renamed = Self.phone
        renamed.name = "per_phone"
        let application = LimitEngine.Application(
            limitSid: Self.phoneSid, limit: renamed, keyValue: Self.key, history: Self.history([0, 60, 120]))
        #expect(LimitEngine.check([application], at: Self.at(180))?.limit == "per_phone")
    }

    @Test("a send is forgotten only once no bucket any limit may have could still count it")
    func retention() {
        let event = LimitEngine.SendEvent(limitSid: Self.phoneSid, keyValue: Self.key, at: Self.at(0))
        let year = Double(PolicyRules.bucketInterval.upperBound)
        #expect(LimitEngine.retention == 31_536_000)
        #expect(!LimitEngine.isExpired(event, at: Self.at(year - 1)))
        #expect(LimitEngine.isExpired(event, at: Self.at(year)))
        // A bucket of the longest interval still counts the send one second before it expires.
        let yearly = Limit(name: "yearly", buckets: [.init(name: "y", max: 1, interval: Int(year))])
        let application = LimitEngine.Application(
            limitSid: Self.phoneSid, limit: yearly, keyValue: Self.key, history: [event])
        #expect(LimitEngine.check([application], at: Self.at(year - 1)) != nil)
        #expect(LimitEngine.check([application], at: Self.at(year)) == nil)
    }
}
