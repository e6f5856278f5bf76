import PolicyModel
import PolicyPlanner
import PolicySimulation
import Testing

@Suite("Simulation: the same sends through the live limits and the planned ones")
struct SimulationTests {
    static let start = 1_795_161_600.0
    static let phone = Limit(name: "limit_on_phone", buckets: [.init(name: "burst", max: 3, interval: 600)])
    static let ip = Limit(name: "limit_on_ip", buckets: [.init(name: "minute", max: 2, interval: 60)])
    static let live = [LiveObject(sid: "LM1", value: phone), LiveObject(sid: "LM2", value: ip)]

    static func send(_ offset: Double, phone: String? = nil, ip: String? = nil) -> TrafficEvent {
        var limits: [TrafficEvent.LimitKey] = []
        if let phone { limits.append(.init(name: "limit_on_phone", key: phone)) }
        if let ip { limits.append(.init(name: "limit_on_ip", key: ip)) }
        return TrafficEvent(time: start + offset, limits: limits)
    }

    static func plan(_ changes: [PlannedChange]) -> Plan {
        Plan(
            environment: "test", changes: changes, unmanaged: [], refusals: [], forced: false, liveCount: 2, ignored: 0)
    }

    static func run(_ events: [TrafficEvent], plan: Plan, showKeys: Bool = true) -> SimulationReport {
        Simulation.run(
            Traffic(events: events), file: "traffic.jsonl", environment: "test", before: SimulatedPolicy(live: live),
            after: SimulatedPolicy(applying: plan, to: live), showKeys: showKeys)
    }

    @Test("burst 3 → 2: the third send in ten minutes is newly refused; refused sends count for no limit")
    func tightened() throws {
        let tighter = Limit(name: "limit_on_phone", buckets: [.init(name: "burst", max: 2, interval: 600)])
        let plan = Self.plan([
            .init(
                address: .init(.limit, "limit_on_phone"), action: .update, sid: "LM1", before: .limit(Self.phone),
                after: .limit(tighter), risk: .tighten)
        ])
        let events = [0, 60, 120, 180, 700].map {
            Self.send(Double($0), phone: "+41791234573", ip: "198.51.100.\(Int($0))")
        }
        let report = Self.run(events, plan: plan)
        #expect(report.totals.sends == 5)
        #expect(report.totals.refusedBefore == 1)  // the fourth, 180
        #expect(report.totals.refusedAfter == 2)  // 120 and 180; 700 is admitted: 0 and 60 have left its window
        #expect(report.totals.newlyRefused == 1 && report.totals.noLongerRefused == 0)
        let limit = try #require(report.limits.first { $0.name == "limit_on_phone" })
        #expect(limit.status == .changed && limit.sends == 5)
        #expect(
            limit.buckets == [
                .init(
                    name: "burst", before: .init(max: 3, interval: 600), after: .init(max: 2, interval: 600),
                    refusedBefore: 1, refusedAfter: 2, change: 1)
            ])
        #expect(
            limit.newlyRefusedKeys == [
                .init(key: "+41791234573", at: "2026-11-20T08:02:00Z", bucket: "burst", sends: 1)
            ])
        #expect(limit.busiestKeys.map(\.key) == ["+41791234573"])
        #expect(limit.busiestKeys.first?.buckets == [.init(bucket: "burst", peak: 2, max: 2, share: 1)])
        #expect(report.refusesMore)
    }

    @Test("a deleted limit refuses nothing; its refusals are no longer refused, and keys are masked")
    func deleted() throws {
        let plan = Self.plan([
            .init(
                address: .init(.limit, "limit_on_ip"), action: .delete, sid: "LM2", before: .limit(Self.ip),
                risk: .loosen)
        ])
        let events = [0, 1, 2, 3].map { Self.send(Double($0), ip: "198.51.100.7") }
        let report = Self.run(events, plan: plan, showKeys: false)
        let limit = try #require(report.limits.first { $0.name == "limit_on_ip" })
        #expect(limit.status == .removed)
        #expect(limit.refusedBefore == 2 && limit.refusedAfter == 0 && limit.noLongerRefused == 2)
        #expect(
            limit.noLongerRefusedKeys == [
                .init(key: "198.51.100.•", at: "2026-11-20T08:00:02Z", bucket: "minute", sends: 2)
            ])
        // The API rejects sends naming a deleted limit: counted apart, and they make the plan refuse more.
        #expect(report.totals.namingRemovedLimits == 4 && report.removedLimitsNamed == ["limit_on_ip"])
        #expect(report.refusesMore && !report.keysShown)
    }

    @Test("a renamed limit keeps the traffic of its live name, and its history, as the emulator keeps it by sid")
    func renamed() throws {
        let renamed = Limit(name: "limit_on_msisdn", buckets: Self.phone.buckets)
        let plan = Self.plan([
            .init(
                address: .init(.limit, "limit_on_msisdn"), action: .update, sid: "LM1", before: .limit(Self.phone),
                after: .limit(renamed), risk: .neutral, renamedFrom: "limit_on_phone")
        ])
        let events = (0..<5).map { Self.send(Double($0), phone: "+41791234573") }
        let report = Self.run(events, plan: plan)
        let limit = try #require(report.limits.first { $0.name == "limit_on_msisdn" })
        #expect(limit.previousName == "limit_on_phone" && limit.status == .changed)
        #expect(limit.refusedBefore == 2 && limit.refusedAfter == 2 && limit.newlyRefused == 0)
        #expect(report.limits.count == 2)
    }

    @Test("a created limit the traffic already names starts refusing; limits are checked in order of name")
    func created() throws {
        let tenant = Limit(name: "limit_on_account", buckets: [.init(name: "hourly", max: 1, interval: 3600)])
        let plan = Self.plan([
            .init(address: .init(.limit, "limit_on_account"), action: .create, after: .limit(tenant), risk: .tighten)
        ])
        let events = (0..<3).map { offset in
            TrafficEvent(
                time: Self.start + Double(offset),
                limits: [
                    .init(name: "limit_on_phone", key: "+41791234573"),
                    .init(name: "limit_on_account", key: "tenant-1"),
                ])
        }
        let report = Self.run(events, plan: plan)
        let account = try #require(report.limits.first { $0.name == "limit_on_account" })
        #expect(account.status == .added && account.refusedBefore == 0 && account.refusedAfter == 2)
        // Checked first (by name), so the phone limit never sees the refused sends.
        let phone = try #require(report.limits.first { $0.name == "limit_on_phone" })
        #expect(phone.refusedAfter == 0 && phone.status == .unchanged)
        #expect(report.totals.newlyRefused == 2 && report.totals.newlyRefusedKeys == 1)
    }
}
