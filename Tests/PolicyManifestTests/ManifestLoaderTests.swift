import PolicyManifest
import PolicyModel
import Testing

@Suite("Loading manifests into the model")
struct ManifestLoaderTests {
    static func decode(_ text: String, file: String = "policy.yaml", scope: VariableScope = VariableScope())
        -> LoadedManifests
    {
        ManifestLoader.decode([(file, Array(text.utf8))], scope: scope)
    }

    @Test("the design's example reads into the model with durations in seconds")
    func designExample() throws {
        let loaded = Self.decode(
            """
            limits:
              limit_on_phone:
                description: Caps OTPs per phone number
                buckets:
                  - {name: burst, max: 3, interval: 10m}
                  - {name: daily, max: 10, interval: 24h}
            workflows:
              login:
                codeLength: 6
                codeTtl: 10m
                steps:
                  - {channel: sms, from: ACME, body: "Your ACME code is {code}", timeout: 60s}
                  - {channel: call, from: "+41445550000", body: "Your code is {code}", language: en-US, timeout: 2m}
            """
        )
        #expect(loaded.diagnostics == [])
        let limit = try #require(loaded.manifests.limits.first)
        #expect(
            limit.value.buckets == [
                .init(name: "burst", max: 3, interval: 600), .init(name: "daily", max: 10, interval: 86_400),
            ])
        #expect(limit.location == SourceLocation(file: "policy.yaml", line: 2, column: 3))
        let workflow = try #require(loaded.manifests.workflows.first?.value)
        #expect(workflow.codeTtl == 600)
        #expect(workflow.maxAttempts == 5)
        #expect(workflow.steps.map(\.timeout) == [60, 120])
        #expect(workflow.steps[1].from == "+41445550000")
    }

    @Test("locations are 1-based: the first key of a file is at 1:1")
    func oneBased() {
        let loaded = Self.decode("limitz: {}\n")
        #expect(loaded.diagnostics.map(\.location) == [SourceLocation(file: "policy.yaml", line: 1, column: 1)])
        #expect(loaded.diagnostics.first?.code == "unknown-key")
        #expect(loaded.diagnostics.first?.hint == "did you mean 'limits'?")
    }

    @Test("every problem in a file is reported in one run, each at its place")
    func allProblems() {
        let loaded = Self.decode(
            """
            limits:
              a:
                buckets:
                  - {name: burst, max: 0, intervall: 10m}
              b:
                buckets: []
            workflows:
              w:
                steps:
                  - {channel: fax, body: hello, timeout: 10x}
            """
        )
        let found = loaded.diagnostics.map { "\($0.location!.line):\($0.location!.column) \($0.code)" }
        #expect(
            found == [
                "4:9 missing-key", "4:28 out-of-range", "4:31 unknown-key", "6:5 out-of-range", "10:19 invalid-value",
                "10:30 body-without-code", "10:46 invalid-duration",
            ])
    }

    @Test("the same name in two files is an error at the second, with a note at the first")
    func duplicateAcrossFiles() throws {
        let limit = "limits:\n  limit_on_phone:\n    buckets: [{name: b, max: 3, interval: 60}]\n"
        let loaded = ManifestLoader.decode(
            [("a.yaml", Array(limit.utf8)), ("b.yaml", Array(("\n" + limit).utf8))], scope: VariableScope()
        )
        let diagnostic = try #require(loaded.diagnostics.first)
        #expect(loaded.diagnostics.count == 1)
        #expect(diagnostic.code == "duplicate-name")
        #expect(diagnostic.location == SourceLocation(file: "b.yaml", line: 3, column: 3))
        #expect(diagnostic.notes.first?.location == SourceLocation(file: "a.yaml", line: 2, column: 3))
    }

    @Test("variables take the variable's type, quoted or not; an undefined one is an error where it is used")
    func variables() throws {
        let scope = VariableScope(
            variables: ["burst": .int(3), "sender": .string("ACME"), "window": .environmentVariable("WINDOW")],
            environment: ["WINDOW": "10m"], origin: "environment 'local'"
        )
        let text = """
            limits:
              l:
                buckets:
                  - name: burst
                    max: ${var.burst}
                    interval: ${var.window}
                  - {name: daily, max: "${var.burst}", interval: 24h}
            workflows:
              w:
                steps:
                  - {channel: sms, from: "${var.sender}", body: "${var.sender}: {code}", timeout: 60}
                  - {channel: sms, from: "${var.missing}", body: "{code}", timeout: 60}
            """
        let loaded = Self.decode(text, scope: scope)
        let limit = try #require(loaded.manifests.limits.first?.value)
        #expect(limit.buckets.map(\.max) == [3, 3])
        #expect(limit.buckets[0].interval == 600)
        let undefined = loaded.diagnostics.filter { $0.code == "undefined-variable" }
        #expect(undefined.map(\.message) == ["variable 'missing' is not defined in environment 'local'"])
        #expect(undefined.first?.location?.line == 12)
    }

    @Test("a manifest cannot read the environment: an error at the reference, the value read nowhere")
    func environmentReference() throws {
        let key = "ZQXK-distinctive-key-4f9a2c7e1b8d"
        let scope = VariableScope(variables: ["burst": .int(3)], environment: ["MITTO_API_KEY": key])
        let loaded = Self.decode(
            """
            limits:
              leak:
                description: ${env:MITTO_API_KEY}
                buckets: [{name: b, max: 3, interval: "${env:MITTO_API_KEY}"}]
            """,
            scope: scope
        )
        #expect(loaded.diagnostics.map(\.code) == ["env-in-manifest", "env-in-manifest"])
        #expect(
            loaded.diagnostics.map(\.location) == [
                SourceLocation(file: "policy.yaml", line: 3, column: 18),
                SourceLocation(file: "policy.yaml", line: 4, column: 43),
            ])
        let diagnostic = try #require(loaded.diagnostics.first)
        #expect(
            diagnostic.hint
                == "define a variable in the environment's variables in mitto-policy.yaml "
                + "(variables: {mitto_api_key: ${env:MITTO_API_KEY}}) and write ${var.mitto_api_key} here")
        #expect(loaded.manifests.limits.isEmpty)
        #expect(!"\(loaded.diagnostics)".contains(key))
    }

    @Test("a variable that reads the environment takes the value's YAML type; an unset one is an error where used")
    func environmentVariables() throws {
        let settings = EnvironmentSettings(
            name: "staging",
            variables: [
                "burst": .environmentVariable("BURST"), "sender": .environmentVariable("SENDER"),
                "unset": .environmentVariable("NOT_SET"),
            ]
        )
        let scope = VariableScope(settings, processEnvironment: ["BURST": "4", "SENDER": "ACME", "OTHER": "x"])
        #expect(scope.environment == ["BURST": "4", "SENDER": "ACME"])
        let loaded = Self.decode(
            """
            limits:
              l:
                buckets: [{name: b, max: "${var.burst}", interval: 60}]
            workflows:
              w:
                steps:
                  - {channel: sms, from: "${var.sender}", body: "${var.sender}: {code}", timeout: 60}
                  - {channel: sms, from: "${var.unset}", body: "{code}", timeout: 60}
            """,
            scope: scope
        )
        #expect(loaded.manifests.limits.first?.value.buckets.first?.max == 4)
        #expect(loaded.diagnostics.map(\.code) == ["undefined-variable"])
        #expect(
            loaded.diagnostics.first?.message
                == "variable 'unset' in environment 'staging' reads the environment variable NOT_SET, which is not set")
        #expect(loaded.diagnostics.first?.location?.line == 8)
    }

    @Test("warnings for buckets that never bind, lock users out, or are shadowed")
    func warnings() {
        let loaded = Self.decode(
            """
            limits:
              loose:
                buckets: [{name: b, max: 1000000, interval: 60}]
              lockout:
                buckets: [{name: b, max: 1, interval: 7d}]
              shadowed:
                buckets:
                  - {name: burst, max: 50, interval: 10m}
                  - {name: daily, max: 10, interval: 24h}
            """
        )
        #expect(loaded.diagnostics.map(\.code) == ["loose-bucket", "lockout-bucket", "shadowed-bucket"])
        #expect(loaded.diagnostics.allSatisfy { $0.severity == .warning })
        #expect(!loaded.diagnostics.hasErrors)
        #expect(loaded.manifests.limits.count == 3)
    }

    @Test("a workflow read straight from the parser's events reads exactly as one read from its node")
    func workflowsFromEventsAgree() {
        let sms = "{channel: sms, from: ACME, body: \"Code {code}\", timeout: 60s}"
        let call =
            "{channel: call, from: +41445550000, body: \"Code {code}\", timeout: 2m, voice: man, language: en-US}"
        let bodies = [
            "{steps: [\(sms)]}", "{steps: [\(sms), \(call)]}",
            "\n    description: Sign-in\n    codeLength: 6\n    codeTtl: 10m\n    maxAttempts: 3\n    steps:\n      - \(sms)",
            "{description: ~, steps: [\(sms)]}", "{description: 3, steps: [\(sms)]}",
            "{previousName: old, steps: [\(sms)]}",
            "{previousName: 'bad name', steps: [\(sms)]}", "{codeLength: 3, steps: [\(sms)]}",
            "{codeLength: '6', steps: [\(sms)]}",
            "{codeTtl: 1s, steps: [\(sms)]}", "{codeTtl: 30m, steps: [\(sms)]}", "{maxAttempts: 0, steps: [\(sms)]}",
            "{steps: []}", "{steps: ~}", "{steps: [~]}", "{description: no steps}",
            "{steps: [\(sms)], steps: [\(sms)]}",
            "{steps: [{channel: fax, body: \"Code {code}\", timeout: 60s}]}", "{steps: [{channel: sms, timeout: 60s}]}",
            "{steps: [{channel: sms, body: no placeholder, timeout: 60s}]}",
            "{steps: [{channel: sms, from: 41445550000, body: \"Code {code}\", timeout: 60s}]}",
            "{steps: [{channel: sms, from: 4.5, body: \"Code {code}\", timeout: 60s}]}",
            "{steps: [{channel: sms, from: true, body: \"Code {code}\", timeout: 60s}]}",
            "{steps: [{channel: call, body: \"Code {code}\", timeout: 60s, voice: robot}]}",
            "{steps: [{channel: sms, body: \"Code {code}\", timeout: 60s, voice: man}]}",
            "{steps: [{channel: call, body: \"Code {code}\", timeout: 60s, repeat: 2}]}",
            "{steps: [{channel: email, emailFrom: a@b.c, subject: Hi, body: \"Code {code}\", timeout: 5m}]}",
            "{steps: [{channel: email, subject: 3, body: \"Code {code}\", timeout: 5m}]}",
            "{steps: [{channel: sms, body: \"${var.text} {code}\", timeout: 60s}]}",
            "{steps: [{channel: sms, body: \"Code {code}\", timeout: 60s, timeout: 70s}]}",
            "{steps: [{channel: sms, body: \"Code {code}\", timeout: 60s, colour: red}]}",
            "{steps: [\(sms), \(sms), \(sms), \(sms), \(sms), \(sms)]}", "{stepz: [\(sms)]}", "{steps: [!!map \(sms)]}",
        ]
        let scope = VariableScope(variables: ["text": .string("from a variable")], origin: "test")
        Self.expectTheSameBothWays(bodies.map { "workflows:\n  workflow_under_test: \($0)\n" }, scope: scope)
    }

    /// Each text decodes to the same diagnostics and objects with its objects read from events where they can be and
    /// with every object read from its node.
    static func expectTheSameBothWays(_ texts: [String], scope: VariableScope) {
        for text in texts {
            let fromEvents = ManifestLoader.decode([("p.yaml", Array(text.utf8))], scope: scope)
            let fromNodes = ManifestLoader.decode(
                [("p.yaml", Array(text.utf8))], scope: scope, objectsFromEvents: false)
            #expect(fromEvents.diagnostics == fromNodes.diagnostics, "\(text)")
            #expect(fromEvents.manifests == fromNodes.manifests, "\(text)")
        }
    }

    @Test("a limit read straight from the parser's events reads exactly as one read from its node")
    func limitsFromEventsAgree() {
        let bucket = "{name: b, max: 3, interval: 60}"
        let bodies = [
            "{buckets: [\(bucket)]}",
            "\n    description: Caps sends\n    buckets:\n      - {name: burst, max: 3, interval: 10m}\n"
                + "      - {name: daily, max: 50, interval: 24h}",
            "{description: ~, buckets: [\(bucket)]}", "{description: , buckets: [\(bucket)]}",
            "{description: 3, buckets: [\(bucket)]}", "{description: \"${var.text}\", buckets: [\(bucket)]}",
            "{description: 'quoted', buckets: [\(bucket)]}",
            "\n    description: |\n      two\n      lines\n    buckets: [\(bucket)]",
            "{previousName: old_name, buckets: [\(bucket)]}", "{previousName: bad name, buckets: [\(bucket)]}",
            "{previousName: ~, buckets: [\(bucket)]}", "{description: a, description: b, buckets: [\(bucket)]}",
            "{description: ~, description: ~, buckets: [\(bucket)]}", "{buckets: [\(bucket)], buckets: [\(bucket)]}",
            "{buckets: []}", "{buckets: ~}", "{buckets: {}}", "{description: no buckets}", "~", "[]", "text", "{}",
            "{buckets: [~]}", "{buckets: [{name: b, interval: 60}]}",
            "{buckets: [{name: b, max: 3, interval: 60, x: 1}]}",
            "{buckets: [{name: b, max: 3, max: 4, interval: 60}]}", "{buckets: [{name: b, max: '3', interval: 60}]}",
            "{buckets: [{name: b, max: 0x10, interval: 60}]}", "{buckets: [{name: b, max: -1, interval: 60}]}",
            "{buckets: [{name: b, max: 1e3, interval: 60}]}", "{buckets: [{name: b, max: 10000000, interval: 60}]}",
            "{buckets: [{name: b, max: 1, interval: 7d}]}", "{buckets: [{name: b, max: 3, interval: 0}]}",
            "{buckets: [{name: b, max: 3, interval: '10m'}]}", "{buckets: [{name: b, max: 3, interval: 1h30m}]}",
            "{buckets: [{name: b, max: 3, interval: -5}]}", "{buckets: [{name: b, max: 3, interval: 400d}]}",
            "{buckets: [{name: b, max: 3, interval: 99999999999999999999}]}",
            "{buckets: [{name: '', max: 3, interval: 60}]}",
            "{buckets: [{name: \"${var.text}\", max: 3, interval: 60}]}",
            "{buckets: [{name: b, max: \"${var.burst}\", interval: 60}]}",
            "{buckets: [{name: b, max: \"${var.missing}\", interval: 60}]}",
            "{buckets: [{name: !!str b, max: 3, interval: 60}]}",
            "{buckets: [&a {name: b, max: 3, interval: 60}]}",
            "{buckets: [{name: b, max: 3, interval: 60}, {name: b, max: 4, interval: 70}]}",
            "{buckets: [{name: a, max: 3, interval: 60}, {name: b, max: 4, interval: 70}, {name: c, max: 5, interval: 80}]}",
            "{buckets: [{name: short, max: 50, interval: 10m}, {name: long, max: 10, interval: 24h}]}",
            "{buckets: [{name: short, max: 3, interval: 10m}, {name: long, max: 500, interval: 24h}]}",
            "{intervall: 3, buckets: [\(bucket)]}", "!!map {buckets: [\(bucket)]}", "{? [a]: 1, buckets: [\(bucket)]}",
            "{buckets: !!seq [\(bucket)]}", "{buckets: [{name: b, max: 3, interval: 60}, [1]]}",
            "{buckets: [{[x]: 1, name: b, max: 3, interval: 60}]}", "{buckets: [{name: b, max: true, interval: 60}]}",
        ]
        let scope = VariableScope(variables: ["text": .string("from a variable"), "burst": .int(4)], origin: "test")
        Self.expectTheSameBothWays(
            bodies.map { "limits:\n  same_shape: {buckets: [\(bucket)]}\n  limit_under_test: \($0)\n" }, scope: scope)
    }

    @Test("limits with the same buckets get one warning per set, naming the first copies and pointing at the first")
    func identicalBucketsGrouped() {
        // Six limits of one shape (bucket names and order aside) and two of another; one of a shape of its own.
        var text = "limits:\n"
        for (name, max) in [("t1", 3), ("t2", 3), ("t3", 3), ("t4", 3), ("t5", 3), ("t6", 3), ("u1", 9), ("u2", 9)] {
            text += "  \(name):\n    buckets:\n      - {name: daily, max: 50, interval: 24h}\n"
            text += "      - {name: burst\(name), max: \(max), interval: 10m}\n"
        }
        text += "  other:\n    buckets: [{name: burst, max: 4, interval: 10m}]\n"
        let loaded = Self.decode(text)
        #expect(
            loaded.diagnostics.map(\.message) == [
                "limits 't2', 't3', 't4' and 2 more have the same buckets as 't1'",
                "limit 'u2' has the same buckets as 'u1'",
            ])
        #expect(loaded.diagnostics.allSatisfy { $0.code == "identical-buckets" && $0.severity == .warning })
        #expect(loaded.diagnostics.map { $0.location?.line } == [6, 30])
        #expect(
            loaded.diagnostics.first?.notes.map(\.message) == [
                "'t1' is declared here", "'t3' is declared here", "'t4' is declared here",
            ])
        #expect(loaded.diagnostics.first?.notes.map { $0.location?.line } == [2, 10, 14])
        let three = Self.decode(
            "limits:\n" + ["a", "b", "c"].map { "  \($0):\n    buckets: [{name: x, max: 3, interval: 60}]\n" }.joined()
        )
        #expect(three.diagnostics.map(\.message) == ["limits 'b' and 'c' have the same buckets as 'a'"])
        // A limit declared in two files is a duplicate-name error, and is named once among the copies.
        let limit = { (name: String) in "limits:\n  \(name):\n    buckets: [{name: x, max: 3, interval: 60}]\n" }
        let twice = ManifestLoader.decode(
            [
                ("f1.yaml", Array((limit("a") + "  b:\n    buckets: [{name: x, max: 3, interval: 60}]\n").utf8)),
                ("f2.yaml", Array(limit("b").utf8)),
            ],
            scope: VariableScope())
        #expect(
            twice.diagnostics.map(\.message) == [
                "limit 'b' has the same buckets as 'a'", "limit 'b' is defined twice",
            ])
    }

    @Test("aliases are refused with a hint, and a key repeated in one mapping is an error")
    func aliasesAndRepeatedKeys() {
        let alias = Self.decode(
            "limits:\n  a: &shared\n    buckets: [{name: b, max: 3, interval: 60}]\n  b: *shared\n"
        )
        #expect(alias.diagnostics.map(\.code) == ["yaml-alias"])
        #expect(alias.diagnostics.first?.location?.line == 4)
        let repeated = Self.decode("limits:\n  a:\n    buckets: [{name: b, max: 3, max: 4, interval: 60}]\n")
        #expect(repeated.diagnostics.map(\.code) == ["duplicate-key"])
        #expect(repeated.diagnostics.first?.notes.first?.location?.column == 25)
    }

    @Test(
        "durations",
        arguments: [
            ("90", 90), ("90s", 90), ("10m", 600), ("1h30m", 5_400), ("7d", 604_800), ("1d2h3m4s", 93_784),
            ("007m", 420), ("0s", 0),
        ]
    )
    func durations(text: String, seconds: Int) {
        #expect(DurationText.seconds(text) == seconds)
        #expect(DurationText.seconds(DurationText.format(seconds)) == seconds)
    }

    @Test("not durations", arguments: ["", "m", "10x", "10m1h", "1.5h", "-5s", "10 m", "10m10m", "5é", "+5s", "10m5"])
    func notDurations(text: String) {
        #expect(DurationText.seconds(text) == nil)
        #expect(!DurationText.isWellFormed(text))
    }

    @Test("durations too large to count are well formed, but have no value")
    func durationsTooLarge() {
        for text in ["99999999999999999999s", "153722867280912931m", "1d99999999999999999999s"] {
            #expect(DurationText.seconds(text) == nil)
            #expect(DurationText.isWellFormed(text))
        }
    }

    @Test("an out-of-range duration is worded in units")
    func durationRange() {
        let loaded = Self.decode("limits:\n  a:\n    buckets: [{name: b, max: 3, interval: 400d}]\n")
        #expect(loaded.diagnostics.map(\.message) == ["buckets[0].interval must be between 1s and 365d, got 400d"])
        #expect(loaded.diagnostics.map(\.code) == ["duration-out-of-range"])
    }

    @Test("a repeated bucket name is one sentence at the second bucket's name, the field path not glued to it")
    func duplicateBucketMessage() {
        let loaded = Self.decode(
            """
            limits:
              l:
                buckets: [{name: b, max: 1, interval: 60}, {name: b, max: 2, interval: 120}]
            """
        )
        #expect(loaded.diagnostics.map(\.message) == ["bucket name 'b' is used twice in this limit"])
        #expect(loaded.diagnostics.first?.location?.line == 3)
    }

}
