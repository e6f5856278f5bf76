import Foundation
import MittoTestSupport
import PolicyModel
import PolicyPlanner
import PolicyRendering
import Testing

@Suite("Plan renderers: the text a reviewer reads, the JSON tools read, the pull-request comment")
struct PlanRendererTests {
    static let color = TextStyle(usesColor: true)

    @Test("text plan, plain and coloured, matches its golden files")
    func textGolden() throws {
        try Golden.expect(PlanTextRenderer().render(Fixtures.plan), "plan.txt")
        try Golden.expect(PlanTextRenderer(style: Self.color).render(Fixtures.plan), "plan-color.txt")
        try Golden.expect(PlanTextRenderer().render(Fixtures.driftPlan), "plan-without-deletes.txt")
        try Golden.expect(PlanTextRenderer().render(Fixtures.emptyPlan), "plan-empty.txt")
    }

    struct LastLineCase: Sendable, CustomTestStringConvertible {
        var name: String
        var plan: Plan
        var line: String
        var testDescription: String { name }
    }

    @Test(
        "the last line counts the changes, or says there are none",
        arguments: [
            LastLineCase(
                name: "changes", plan: Fixtures.plan, line: "Plan: 1 to create, 2 to update, 1 to delete."
            ),
            LastLineCase(
                name: "no changes", plan: Fixtures.emptyPlan, line: "No changes. The account matches the manifests."
            ),
            LastLineCase(
                name: "many", plan: Fixtures.hugePlan, line: "Plan: 200 to create, 200 to update, 200 to delete."
            ),
        ]
    )
    func lastLine(_ testCase: LastLineCase) {
        let text = PlanTextRenderer().render(testCase.plan)
        #expect(text.hasSuffix("\n"))
        #expect(text.lines.last.map(String.init) == testCase.line)
        #expect(text.lines.first == "Plan for environment \(testCase.plan.environment)")
    }

    struct FieldCase: Sendable, CustomTestStringConvertible {
        var change: FieldChange
        var line: String
        var testDescription: String { line }
    }

    @Test(
        "field lines: durations in units, text quoted and escaped, absence as (none), risk when not neutral",
        arguments: [
            FieldCase(
                change: FieldChange(
                    field: "codeTtl", before: .int(600), after: .int(900), risk: .loosen, isDuration: true),
                line: "    codeTtl: 10m → 15m [loosen]"
            ),
            FieldCase(
                change: FieldChange(field: "buckets[0].max", before: .int(3), after: .int(5), risk: .loosen),
                line: "    buckets[0].max: 3 → 5 [loosen]"
            ),
            FieldCase(
                change: FieldChange(
                    field: "steps[0].timeout", before: .int(5_400), after: .int(0), risk: .neutral, isDuration: true
                ),
                line: "    steps[0].timeout: 1h30m → 0s"
            ),
            FieldCase(
                change: FieldChange(field: "description", before: .none, after: .text("Caps"), risk: .neutral),
                line: "    description: (none) → \"Caps\""
            ),
            FieldCase(
                change: FieldChange(
                    field: "steps[0].body", before: .text("Code:\n{code}"), after: .text("Say \"{code}\"\u{1B}[2J"),
                    risk: .neutral
                ),
                line: #"    steps[0].body: "Code:\n{code}" → "Say \"{code}\"\u{1B}[2J""#
            ),
            FieldCase(
                change: FieldChange(
                    field: "buckets[1]", before: .none, after: .text("daily: 10 per 1d"), risk: .tighten),
                line: "    buckets[1]: (none) → \"daily: 10 per 1d\" [tighten]"
            ),
        ]
    )
    func fieldLine(_ testCase: FieldCase) throws {
        let change = PlannedChange(
            address: ResourceAddress(.limit, "limit_on_phone"), action: .update, sid: "LM1",
            fields: [testCase.change], risk: testCase.change.risk
        )
        let plan = Plan(
            environment: "production", changes: [change], unmanaged: [], refusals: [], forced: false, liveCount: 1,
            ignored: 0
        )
        let text = PlanTextRenderer().render(plan)
        #expect(text.lines.contains(Substring(testCase.line)), "\(text)")
        let markdown = PlanMarkdownRenderer().render(plan)
        #expect(markdown.contains("\n\(testCase.line)\n"), "the Markdown details show the same line")
    }

    @Test("colour only through the style: plain text has no escape codes; [loosen] and deletes are bold red")
    func colour() {
        let plain = PlanTextRenderer().render(Fixtures.plan)
        let coloured = PlanTextRenderer(style: Self.color).render(Fixtures.plan)
        #expect(!plain.contains("\u{1B}"))
        #expect(coloured.contains("\u{1B}[1;31m[loosen]\u{1B}[0m"))
        #expect(coloured.contains("\u{1B}[32m+ limit.limit_on_phone\u{1B}[0m"))
        #expect(coloured.contains("\u{1B}[1;33m~ workflow.login\u{1B}[0m"))
        #expect(coloured.contains("\u{1B}[1;31m- limit.legacy_cap\u{1B}[0m"))
        #expect(coloured.contains("\u{1B}[2mpolicy/limits.yaml:3:3\u{1B}[0m"))
        let stripped = coloured.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
        #expect(stripped == plain, "colour adds escape codes and nothing else")
    }

    @Test("a plan with only unmanaged objects does not say the account matches the manifests")
    func onlyUnmanaged() {
        let plan = Plan(
            environment: "staging", changes: [],
            unmanaged: [
                UnmanagedObject(address: ResourceAddress(.limit, "per_ip"), sid: "LM1", reason: .deletionNotAllowed)
            ],
            refusals: [], forced: false, liveCount: 1, ignored: 0)
        let text = PlanTextRenderer().render(plan)
        #expect(
            text.hasSuffix(
                "No changes. The manifests' objects match the account; 1 unmanaged live object stays as it is.\n"))
        #expect(!text.contains("The account matches the manifests"))
        #expect(PlanMarkdownRenderer().render(plan).contains("No changes. 1 unmanaged live object left as is."))
    }

    @Test("refusals: refused in red, or overridden when forced; unmanaged objects say why they stay")
    func refusalsAndUnmanaged() {
        let text = PlanTextRenderer().render(Fixtures.plan)
        #expect(
            text.contains(
                "Refused: 3 changed or deleted of 10 live objects (30%) exceed safety.maxChangeShare = 20%; "
                    + "pass --force to apply anyway, or raise safety.maxChangeShare\n"
            )
        )
        var forced = Fixtures.plan
        forced.forced = true
        let forcedText = PlanTextRenderer().render(forced)
        #expect(
            forcedText.contains(
                "Overridden by --force: 3 changed or deleted of 10 live objects (30%) exceed "
                    + "safety.maxChangeShare = 20%.\n"))
        #expect(!forcedText.contains("Refused:"))
        #expect(!forcedText.contains("pass --force"), "the override just used is not suggested again")
        let kept = PlanTextRenderer().render(Fixtures.driftPlan)
        #expect(kept.contains("? limit.limit_on_email (unmanaged: protected by safety.protect)\n"))
        #expect(kept.contains("? limit.test_cap (unmanaged: deletion not allowed — pass --allow-delete)\n"))
    }

    @Test("JSON matches its golden file and holds what tools read")
    func json() throws {
        let document = try Golden.expectJSON(PlanJSONRenderer().render(Fixtures.plan), "plan.json")
        #expect(document["formatVersion"] as? Int == 2)
        #expect(document["environment"] as? String == "production")
        #expect(document["refused"] as? Bool == true)
        #expect(document["forced"] as? Bool == false)
        let summary = try #require(document["summary"] as? [String: Int])
        #expect(summary == ["create": 1, "update": 2, "delete": 1, "unmanaged": 1, "ignored": 1])
        let changes = try #require(document["changes"] as? [[String: Any]])
        #expect(
            changes.map { $0["address"] as? String } == [
                "limit.limit_on_phone", "limit.limit_on_ip", "workflow.login", "limit.legacy_cap",
            ])
        let create = changes[0]
        #expect(create["action"] as? String == "create")
        #expect(create["sid"] == nil && create["before"] == nil)
        let source = try #require(create["source"] as? [String: Any])
        #expect(source["file"] as? String == "policy/limits.yaml" && source["line"] as? Int == 3)
        let buckets = try #require((create["after"] as? [String: Any])?["buckets"] as? [[String: Any]])
        #expect(buckets.map { $0["interval"] as? Int } == [600, 86_400], "durations are seconds in JSON")
        let rename = changes[2]
        #expect(rename["renamedFrom"] as? String == "signin")
        let fields = try #require(rename["changedFields"] as? [[String: Any]])
        let ttl = try #require(fields.first { $0["field"] as? String == "codeTtl" })
        #expect(ttl["before"] as? Int == 300 && ttl["after"] as? Int == 900 && ttl["risk"] as? String == "loosen")
        let removedStep = try #require(fields.first { $0["field"] as? String == "steps[1]" })
        #expect(removedStep["after"] is NSNull, "an absent value is null, not left out")
        let unmanaged = try #require(document["unmanaged"] as? [[String: String]])
        #expect(unmanaged.first?["reason"] == "protected")
        let refusals = try #require(document["refusals"] as? [[String: String]])
        #expect(refusals.first?["rule"] == "max-change-share")
    }

    @Test("the JSON is the one shape of a plan: it reads back as the same plan, and the plan schema accepts it")
    func jsonRoundTrip() throws {
        var targeted = Fixtures.plan
        targeted.target = TargetAccount(
            endpoint: "https://api.example.test", accountSid: "AC00000000000000000000000000000001",
            subAccount: "AC00000000000000000000000000000002")
        targeted.scope = AddressScope(targets: ["limit.*"], excludes: ["limit.legacy_*"])
        targeted.forced = true
        let plans = [Fixtures.plan, Fixtures.emptyPlan, Fixtures.driftPlan, targeted]
        let documents = plans.map { PlanJSONRenderer().render($0) }
        for (plan, document) in zip(plans, documents) {
            let read = try JSONDecoder().decode(Plan.self, from: Data(document.utf8))
            #expect(read == plan, "\(plan.environment): every field a saved plan needs survives the JSON")
        }
        #expect(documents.allSatisfy { $0.contains("\"kind\" : \"mitto-policy-plan\"") })
        #expect(
            Fixtures.plan.changes.filter { $0.action != .create }.allSatisfy { $0.liveFingerprint != nil },
            "updates and deletes carry the fingerprint a saved plan is checked against")
        let verdicts = try SchemaCheck.errors(documents, schema: "plan")
        #expect(verdicts.allSatisfy { $0.isEmpty }, "\(verdicts)")
        // The schema holds: a change without its address, or an update without the live object, is refused.
        var broken = try #require(try JSONSerialization.jsonObject(with: Data(documents[0].utf8)) as? [String: Any])
        var changes = try #require(broken["changes"] as? [[String: Any]])
        changes[0]["address"] = nil
        changes[1]["before"] = nil
        broken["changes"] = changes
        let brokenText = String(decoding: try JSONSerialization.data(withJSONObject: broken), as: UTF8.self)
        let errors = try SchemaCheck.errors([brokenText], schema: "plan")[0]
        #expect(errors.contains { $0.hasPrefix("/changes/0: ") && $0.contains("'address' is a required property") })
        #expect(errors.contains { $0.hasPrefix("/changes/1: ") && $0.contains("'before' is a required property") })
    }

    @Test("JSON of an empty plan: empty lists, not refused")
    func emptyJSON() throws {
        let document = try Golden.expectJSON(PlanJSONRenderer().render(Fixtures.emptyPlan), "plan-empty.json")
        #expect((document["changes"] as? [Any])?.isEmpty == true)
        #expect(document["refused"] as? Bool == false)
    }

    @Test("Markdown of the small and the empty plan matches its golden files")
    func markdownGolden() throws {
        let markdown = PlanMarkdownRenderer().render(Fixtures.plan)
        try Golden.expect(markdown, "plan.md")
        #expect(markdown.lines.first == "<!-- mitto-policy plan: environment=production -->")
        #expect(
            markdown.lines.dropFirst().first
                == "**Plan for `production`:** 1 to create, 2 to update, 1 to delete — ⚠️ 3 changes loosen protection"
        )
        #expect(markdown.contains("\n🛑 **Refused:** 3 changed or deleted of 10 live objects (30%)"))
        let empty = PlanMarkdownRenderer().render(Fixtures.emptyPlan)
        try Golden.expect(empty, "plan-empty.md")
        #expect(empty.lines.dropFirst().first == "**Plan for `staging`:** No changes.")
        #expect(!empty.contains("<details>"))
    }

    @Test("Markdown of 600 changes fits a comment: marker and summary kept, details omitted with a note")
    func markdownCap() throws {
        let uncapped = PlanMarkdownRenderer(characterLimit: .max).render(Fixtures.hugePlan)
        #expect(uncapped.utf16.count > 65_000, "the plan is too big to show in full")
        #expect(!uncapped.contains("omitted"))
        let markdown = PlanMarkdownRenderer().render(Fixtures.hugePlan)
        #expect(markdown.utf16.count <= 65_000)
        #expect(markdown.hasPrefix("<!-- mitto-policy plan: environment=production -->\n"))
        #expect(
            markdown.lines.dropFirst().first?.hasPrefix("**Plan for `production`:** 200 to create, 200 to update")
                == true)
        let note = try #require(markdown.lines.last)
        #expect(note.hasPrefix("_Details of "))
        #expect(note.hasSuffix(" changes omitted to fit a pull-request comment; see the job log._"))
        #expect(markdown.contains("| `-` | `old_199` | delete | ⚠️ **loosen** | |"), "every table row is kept")
        #expect(!markdown.contains("_table row"))
        let omitted = try #require(Int(note.dropFirst("_Details of ".count).prefix { $0.isNumber }))
        let shown = markdown.components(separatedBy: "```diff\n").count - 1
        #expect(shown > 0 && shown + omitted == 600, "details are dropped from the end, the rest kept")
        #expect(markdown.contains("<details><summary>Details</summary>") && markdown.contains("</details>"))
    }

    @Test(
        "Markdown tables too long for the limit lose rows from the end, with a note; marker and summary stay",
        arguments: [2_000, 20_000]
    )
    func markdownTableCut(limit: Int) throws {
        let markdown = PlanMarkdownRenderer(characterLimit: limit).render(Fixtures.hugePlan)
        #expect(markdown.utf16.count <= limit)
        #expect(markdown.hasPrefix("<!-- mitto-policy plan: environment=production -->\n**Plan for `production`:**"))
        #expect(markdown.contains("| `+` | `limit_000` | create |"), "rows are cut from the end")
        #expect(!markdown.contains("`old_199`"))
        #expect(!markdown.contains("<details>"))
        #expect(markdown.contains(" table rows omitted to fit a pull-request comment; see the job log._\n"))
        #expect(
            markdown.hasSuffix("_Details of 600 changes omitted to fit a pull-request comment; see the job log._\n"))
    }

    @Test(
        "Markdown never exceeds its limit, whatever it has to cut, and always starts with marker and summary",
        arguments: [600, 1_000, 4_321, 20_000, 45_000, 50_000, 64_999, 65_000]
    )
    func markdownLimit(limit: Int) {
        for plan in [Fixtures.plan, Fixtures.hugePlan] {
            let markdown = PlanMarkdownRenderer(characterLimit: limit).render(plan)
            #expect(markdown.utf16.count <= limit)
            #expect(markdown.lines.dropFirst().first?.hasPrefix("**Plan for `production`:** ") == true)
        }
    }

    @Test("Markdown escapes pipes and backticks in names, and fences hold values with backticks")
    func markdownEscaping() {
        let limit = Limit(name: "a|b`c", buckets: [Bucket(name: "x```y", max: 1, interval: 60)])
        let change = PlannedChange(
            address: ResourceAddress(.limit, "a|b`c"), action: .create, after: .limit(limit), risk: .tighten
        )
        let plan = Plan(
            environment: "production", changes: [change], unmanaged: [], refusals: [], forced: false, liveCount: 0,
            ignored: 0
        )
        let markdown = PlanMarkdownRenderer().render(plan)
        #expect(markdown.contains("| `+` | ``a\\|b`c`` | create | tighten | |"), "\(markdown)")
        #expect(markdown.contains("\n````diff\n+ limit.a|b`c [tighten]\n+   buckets:\n+     - x```y: 1 per 1m\n````\n"))
    }
}
