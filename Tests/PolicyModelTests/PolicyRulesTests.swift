import PolicyModel
import Testing

@Suite("The API's bounds on limits and workflows")
struct PolicyRulesTests {
    static let step = Step(channel: .sms, timeout: 60, from: "ACME", body: "Your code is {code}")

    @Test("a valid limit and workflow have no problems")
    func valid() {
        let limit = Limit(name: "limit_on_phone", buckets: [.init(name: "burst", max: 3, interval: 600)])
        #expect(PolicyRules.problems(in: limit).isEmpty)
        #expect(PolicyRules.problems(in: Workflow(name: "login", steps: [Self.step])).isEmpty)
    }

    @Test(
        "names",
        arguments: [
            ("limit_on_phone", true), ("a.b-c_9", true), (String(repeating: "x", count: 64), true),
            ("", false), (String(repeating: "x", count: 65), false), ("has space", false), ("ümlaut", false),
        ]
    )
    func names(name: String, valid: Bool) {
        #expect(PolicyRules.isValidName(name) == valid)
    }

    @Test(
        "languages",
        arguments: [
            ("en-US", true), ("de", true), ("awspolly.ja-JP", true), ("zh-Hant-TW", true),
            ("english", false), ("en_US", false), (".en", false), ("en-", false),
        ]
    )
    func languages(tag: String, valid: Bool) {
        #expect(PolicyRules.isValidLanguage(tag) == valid)
    }

    @Test("bucket bounds are inclusive and reported with the path and the value")
    func bucketBounds() {
        let limit = Limit(
            name: "l",
            buckets: [
                .init(name: "a", max: 1_000_000, interval: 31_536_000), .init(name: "b", max: 1_000_001, interval: 0),
            ]
        )
        let problems = PolicyRules.problems(in: limit)
        #expect(
            problems.map(\.description) == [
                "buckets[1].max: must be between 1 and 1000000, got 1000001",
                "buckets[1].interval: must be between 1 and 31536000, got 0",
            ])
    }

    @Test("workflow rules that relate fields")
    func workflowRelations() {
        let email = Step(channel: .email, timeout: 400, body: "{code}", voice: .man)
        let workflow = Workflow(
            name: "w", codeTtl: 600, steps: [Self.step, email, Step(channel: .sms, timeout: 200, body: "no code")])
        let problems = PolicyRules.problems(in: workflow).map(\.description)
        #expect(
            problems == [
                "steps[1].voice: applies to call steps only, this step is email",
                "steps[1].emailFrom: email steps need emailFrom",
                "steps[1].subject: email steps need a subject",
                "steps[2].body: must contain {code}",
                "steps: step timeouts add up to 660s, more than codeTtl (600s)",
            ])
    }
}
