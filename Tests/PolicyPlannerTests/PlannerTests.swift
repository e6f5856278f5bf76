import PolicyModel
import PolicyPlanner
import Testing

@Suite("Planner: desired against live")
struct PlannerTests {
    static let here = SourceLocation(file: "policy.yaml", line: 2, column: 3)

    static func limit(_ name: String, _ buckets: [(String, Int, Int)]) -> Limit {
        Limit(name: name, buckets: buckets.map { Bucket(name: $0.0, max: $0.1, interval: $0.2) })
    }

    static func desired(_ limits: [Limit], workflows: [Workflow] = [], renames: [String: String] = [:]) -> ManifestSet {
        ManifestSet(
            limits: limits.map { Declared($0, previousName: renames[$0.name], location: here) },
            workflows: workflows.map { Declared($0, location: here) }
        )
    }

    static func live(_ limits: [Limit], workflows: [Workflow] = []) -> LiveState {
        LiveState(
            limits: limits.enumerated().map { LiveObject(sid: "LM\($0.offset)", value: $0.element) },
            workflows: workflows.enumerated().map { LiveObject(sid: "WF\($0.offset)", value: $0.element) }
        )
    }

    static let phone = limit("limit_on_phone", [("burst", 3, 600), ("daily", 10, 86_400)])
    static let login = Workflow(name: "login", steps: [Step(channel: .sms, timeout: 60, body: "{code}")])

    @Test("nothing to do when live matches")
    func noChanges() {
        let plan = Planner.plan(
            desired: Self.desired([Self.phone], workflows: [Self.login]),
            live: Self.live([Self.phone], workflows: [Self.login]), options: .init(environment: "local")
        )
        #expect(plan.isEmpty)
        #expect(plan.summary == .init(create: 0, update: 0, delete: 0, unmanaged: 0, ignored: 0))
    }

    @Test("a new limit is a create labelled tighten, with its manifest location")
    func create() throws {
        let plan = Planner.plan(
            desired: Self.desired([Self.phone]), live: Self.live([]), options: .init(environment: "local"))
        let change = try #require(plan.changes.first)
        #expect(change.action == .create)
        #expect(change.address == ResourceAddress(.limit, "limit_on_phone"))
        #expect(change.risk == .tighten)
        #expect(change.source == Self.here)
        #expect(change.after == .limit(Self.phone))
    }

    struct RiskCase: Sendable, CustomTestStringConvertible {
        var label: String
        var after: Limit
        var fields: [String]
        var risk: Risk
        var testDescription: String { label }
    }

    static let riskCases: [RiskCase] = [
        .init(
            label: "higher max loosens", after: limit("limit_on_phone", [("burst", 5, 600), ("daily", 10, 86_400)]),
            fields: ["buckets[burst].max"], risk: .loosen),
        .init(
            label: "lower max tightens", after: limit("limit_on_phone", [("burst", 2, 600), ("daily", 10, 86_400)]),
            fields: ["buckets[burst].max"], risk: .tighten),
        .init(
            label: "shorter interval loosens",
            after: limit("limit_on_phone", [("burst", 3, 300), ("daily", 10, 86_400)]),
            fields: ["buckets[burst].interval"], risk: .loosen),
        .init(
            label: "longer interval tightens",
            after: limit("limit_on_phone", [("burst", 3, 900), ("daily", 10, 86_400)]),
            fields: ["buckets[burst].interval"], risk: .tighten),
        .init(
            label: "a removed bucket loosens", after: limit("limit_on_phone", [("burst", 3, 600)]),
            fields: ["buckets[daily]"], risk: .loosen),
        .init(
            label: "loosen wins over tighten",
            after: limit("limit_on_phone", [("burst", 2, 600), ("daily", 20, 86_400)]),
            fields: ["buckets[burst].max", "buckets[daily].max"], risk: .loosen),
        .init(
            label: "removing the first bucket shows that bucket removed, nothing else",
            after: limit("limit_on_phone", [("daily", 10, 86_400)]), fields: ["buckets[burst]"], risk: .loosen),
        .init(
            label: "a new bucket tightens",
            after: limit("limit_on_phone", [("burst", 3, 600), ("hourly", 5, 3600), ("daily", 10, 86_400)]),
            fields: ["buckets[hourly]"], risk: .tighten),
        .init(
            label: "a reordered bucket with a higher max loosens, named by bucket",
            after: limit("limit_on_phone", [("daily", 20, 86_400), ("burst", 3, 600)]),
            fields: ["buckets[daily].max"], risk: .loosen),
        .init(
            label: "a new description is neutral",
            after: Limit(name: "limit_on_phone", description: "per phone", buckets: phone.buckets),
            fields: ["description"], risk: .neutral),
    ]

    @Test("updates list changed fields in order and carry the strongest risk", arguments: riskCases)
    func updates(_ riskCase: RiskCase) throws {
        let plan = Planner.plan(
            desired: Self.desired([riskCase.after]), live: Self.live([Self.phone]), options: .init(environment: "e")
        )
        let change = try #require(plan.changes.first)
        #expect(plan.changes.count == 1)
        #expect(change.action == .update)
        #expect(change.sid == "LM0")
        #expect(change.fields.map(\.field) == riskCase.fields)
        #expect(change.risk == riskCase.risk)
        #expect(change.liveFingerprint == Self.phone.fingerprint)
    }

    @Test("reordering buckets is no change, and a plan saved against one order is not stale against the other")
    func bucketOrder() {
        let reordered = Self.limit("limit_on_phone", [("daily", 10, 86_400), ("burst", 3, 600)])
        let plan = Planner.plan(
            desired: Self.desired([reordered]), live: Self.live([Self.phone]), options: .init(environment: "e"))
        #expect(plan.isEmpty)
        #expect(reordered.fingerprint == Self.phone.fingerprint)
    }

    @Test("workflow risks: more attempts, a longer lifetime, a shorter code and a removed fallback loosen")
    func workflowRisks() throws {
        let live = Workflow(
            name: "login", codeLength: 6, codeTtl: 600, maxAttempts: 5,
            steps: [
                Step(channel: .sms, timeout: 60, body: "{code}"), Step(channel: .call, timeout: 120, body: "{code}"),
            ]
        )
        var desired = live
        desired.maxAttempts = 3
        desired.codeLength = 8
        let tighter = Planner.plan(
            desired: Self.desired([], workflows: [desired]), live: Self.live([], workflows: [live]),
            options: .init(environment: "e")
        )
        #expect(tighter.changes.first?.risk == .tighten)
        desired.steps.removeLast()
        let looser = Planner.plan(
            desired: Self.desired([], workflows: [desired]), live: Self.live([], workflows: [live]),
            options: .init(environment: "e")
        )
        #expect(looser.changes.first?.risk == .loosen)
        #expect(looser.changes.first?.fields.last?.field == "steps[1]")
    }

    @Test("previousName plans one update that renames, not a delete and a create")
    func rename() throws {
        let renamed = Self.limit("limit_per_phone", [("burst", 3, 600), ("daily", 10, 86_400)])
        let plan = Planner.plan(
            desired: Self.desired([renamed], renames: ["limit_per_phone": "limit_on_phone"]),
            live: Self.live([Self.phone]),
            options: .init(
                environment: "e",
                safety: {
                    var s = SafetySettings()
                    s.allowDelete = true
                    return s
                }())
        )
        #expect(plan.changes.count == 1)
        let change = try #require(plan.changes.first)
        #expect(change.action == .update)
        #expect(change.renamedFrom == "limit_on_phone")
        #expect(change.fields.map(\.field) == ["name"])
    }

    @Test("unmanaged objects: listed, deleted only when allowed, never when protected or ignored")
    func unmanaged() {
        let live = Self.live([
            Self.phone, Self.limit("legacy_ip", [("b", 1, 60)]), Self.limit("kept", [("b", 1, 60)]),
            Self.limit("stray", [("b", 1, 60)]),
        ])
        var safety = SafetySettings()
        safety.protect = ["kept"]
        var ignore = IgnoreRules()
        ignore.limits = ["legacy_*"]
        let listed = Planner.plan(
            desired: Self.desired([Self.phone]), live: live,
            options: .init(environment: "e", safety: safety, ignore: ignore)
        )
        #expect(listed.changes.isEmpty)
        #expect(listed.unmanaged.map(\.address.name) == ["kept", "stray"])
        #expect(listed.unmanaged.map(\.reason) == [.protected, .deletionNotAllowed])
        #expect(listed.summary.ignored == 1)
        safety.allowDelete = true
        let deleting = Planner.plan(
            desired: Self.desired([Self.phone]), live: live,
            options: .init(environment: "e", safety: safety, ignore: ignore)
        )
        #expect(deleting.changes.map { "\($0.action) \($0.address)" } == ["delete limit.stray"])
        #expect(deleting.changes.first?.risk == .loosen)
        #expect(deleting.unmanaged.map(\.address.name) == ["kept"])
    }

    @Test("creates and updates come before deletes; limits before workflows; then by name")
    func order() {
        var safety = SafetySettings()
        safety.allowDelete = true
        let looser = Self.limit("limit_on_phone", [("burst", 9, 600)])
        let plan = Planner.plan(
            desired: Self.desired(
                [Self.limit("b_new", [("b", 1, 60)]), looser, Self.limit("a_new", [("b", 1, 60)])],
                workflows: [Self.login]),
            live: Self.live([Self.phone, Self.limit("old", [("b", 1, 60)])]),
            options: .init(environment: "e", safety: safety)
        )
        #expect(
            plan.changes.map { "\($0.action.symbol) \($0.address)" } == [
                "+ limit.a_new", "+ limit.b_new", "+ workflow.login", "~ limit.limit_on_phone", "- limit.old",
            ])
    }

    @Test("thresholds refuse with the measured value, the threshold and the override; --force overrides")
    func thresholds() {
        let live = Self.live((0..<12).map { Self.limit("l\($0)", [("b", 1, 60)]) })
        var safety = SafetySettings()
        safety.allowDelete = true
        safety.maxDeletes = 5
        let plan = Planner.plan(desired: Self.desired([]), live: live, options: .init(environment: "e", safety: safety))
        #expect(plan.isRefused)
        #expect(
            plan.refusals.map(\.description) == [
                "12 deletions exceed safety.maxDeletes = 5; pass --force to apply anyway, or raise safety.maxDeletes",
                "12 changed or deleted of 12 live objects (100%) exceed safety.maxChangeShare = 30%; pass --force to apply anyway, or raise safety.maxChangeShare",
            ])
        let forced = Planner.plan(
            desired: Self.desired([]), live: live, options: .init(environment: "e", safety: safety, force: true)
        )
        #expect(!forced.isRefused)
        #expect(forced.refusals.count == 2)
    }

    @Test("the share threshold waits for 10 live objects, as octoDNS's does")
    func smallAccounts() {
        let changed = Self.limit("limit_on_phone", [("burst", 4, 600), ("daily", 10, 86_400)])
        let plan = Planner.plan(
            desired: Self.desired([changed]), live: Self.live([Self.phone]), options: .init(environment: "e"))
        #expect(plan.refusals.isEmpty)
    }

    @Test("a saved plan is stale when a touched object changed, vanished or appeared")
    func staleness() {
        let looser = Self.limit("limit_on_phone", [("burst", 5, 600), ("daily", 10, 86_400)])
        let plan = Planner.plan(
            desired: Self.desired([looser, Self.limit("new_one", [("b", 1, 60)])]), live: Self.live([Self.phone]),
            options: .init(environment: "e")
        )
        #expect(plan.staleObjects(in: Self.live([Self.phone])).isEmpty)
        let edited = Self.limit("limit_on_phone", [("burst", 4, 600), ("daily", 10, 86_400)])
        #expect(
            plan.staleObjects(in: Self.live([edited])).map(\.description) == [
                "limit.limit_on_phone changed since the plan was made: buckets[burst].max 3 → 4"
            ])
        #expect(
            plan.staleObjects(in: Self.live([])).map(\.description) == [
                "limit.limit_on_phone was deleted since the plan was made"
            ])
        let appeared = Self.live([Self.phone, Self.limit("new_one", [("b", 2, 60)])])
        #expect(
            plan.staleObjects(in: appeared).map(\.description) == [
                "limit.new_one was created since the plan was made"
            ])
    }

    @Test("planning is deterministic: the same inputs in another order give the same plan")
    func deterministic() {
        let limits = (0..<20).map { Self.limit("l\($0)", [("b", $0 + 1, 60)]) }
        let first = Planner.plan(desired: Self.desired(limits), live: Self.live([]), options: .init(environment: "e"))
        let second = Planner.plan(
            desired: Self.desired(limits.reversed()), live: Self.live([]), options: .init(environment: "e"))
        #expect(first == second)
    }

    @Test(
        "globs",
        arguments: [
            ("legacy_*", "legacy_ip", true), ("legacy_*", "legacy", false), ("l?m", "lim", true),
            ("*", "", true), ("a*b*c", "axxbyyc", true), ("a*b", "ab_", false),
        ])
    func globs(pattern: String, name: String, matches: Bool) {
        #expect(Glob.matches(pattern, name) == matches)
    }
}
