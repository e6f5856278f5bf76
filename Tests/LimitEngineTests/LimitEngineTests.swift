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

    static func at(_ seconds: Double) -> Date { start.addingTimeInterval(seconds) }

    /// Sends at `times` (seconds from start), each recorded only when admitted; the refusals by index.
    static func run(_ times: [Double], limit: Limit = phone) -> [Int: LimitEngine.Refusal] {
        var accepted: [Date] = []
        var refusals: [Int: LimitEngine.Refusal] = [:]
        for (index, time) in times.enumerated() {
            let application = LimitEngine.Application(limit: limit, keyValue: "+41790000000", acceptedSends: accepted)
            if let refusal = LimitEngine.check([application], at: at(time)) {
                refusals[index] = refusal
            } else {
                accepted.append(at(time))
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

    @Test("other key values and other limits do not count")
    func separateKeys() {
        let application = LimitEngine.Application(limit: Self.phone, keyValue: "+41790000001", acceptedSends: [])
        #expect(LimitEngine.check([application], at: Self.at(0)) == nil)
        #expect(LimitEngine.horizon([Self.phone]) == 86_400)
    }
}
