import PolicyManifest
import PolicyModel
import Testing
import YAMLNodes

/// Objects to write and read back, named for the test report.
struct WriterCase: Sendable, CustomTestStringConvertible {
    var label: String
    var limits: [Limit] = []
    var workflows: [Workflow] = []

    var testDescription: String { label }
}

@Suite("Writing manifests from live objects")
struct ManifestWriterTests {
    static let limits: [Limit] = [
        Limit(
            name: "limit_on_phone", description: "Caps OTPs per phone number",
            buckets: [.init(name: "burst", max: 3, interval: 600), .init(name: "daily", max: 10, interval: 86_400)]
        ),
        Limit(
            name: "per_second", description: "key: value # not a comment",
            buckets: [.init(name: "s", max: 5, interval: 1)]
        ),
        Limit(
            name: "yearly", description: #"He said "hi", she said 'bye' \ done"#,
            buckets: [.init(name: "year", max: 999_999, interval: 31_536_000)]
        ),
        Limit(
            name: "odd.interval", description: "Grüße ✓ 日本 🚀\nsecond line\n",
            buckets: [.init(name: "b-1", max: 2, interval: 90), .init(name: "b_2", max: 4, interval: 5_400)]
        ),
        Limit(name: "123", description: "123", buckets: [.init(name: "7", max: 1, interval: 86_400)]),
        Limit(name: "true", description: "true", buckets: [.init(name: "null", max: 7, interval: 59)]),
        Limit(name: "no-description", buckets: [.init(name: "b", max: 1_000, interval: 3_600)]),
        Limit(name: "empty-description", description: "", buckets: [.init(name: "b", max: 3, interval: 90_061)]),
    ]

    static let workflows: [Workflow] = [
        Workflow(
            name: "login",
            steps: [
                Step(channel: .sms, timeout: 60, from: "ACME", body: "Your ACME code is {code}"),
                Step(
                    channel: .call, timeout: 120, from: "+41445550000", body: "Your code is {code}", language: "en-US",
                    voice: .woman, repeat: 2
                ),
            ]
        ),
        Workflow(
            name: "email_first", description: "null", codeLength: 10, codeTtl: 86_400, maxAttempts: 10,
            steps: [
                Step(
                    channel: .email, timeout: 3_600, from: "ACME Security",
                    body: "{code} is your code.\nIt expires soon.\n", emailFrom: "no-reply@acme.example",
                    subject: "Your code: {code}"
                ),
                Step(channel: .sms, timeout: 10, from: "0041445550000", body: "{code}"),
                Step(
                    channel: .call, timeout: 90, body: "コードは {code} です", language: "awspolly.ja-JP", voice: .man,
                    repeat: 5
                ),
            ]
        ),
        Workflow(
            name: "true", description: "true", codeLength: 4, codeTtl: 90, maxAttempts: 1,
            steps: [Step(channel: .sms, timeout: 90, from: "123", body: "#{code} # not a comment: really")]
        ),
        Workflow(
            name: "quoted", description: #"Say "{code}" twice: it's #1"#, codeTtl: 3_661,
            steps: [
                Step(channel: .sms, timeout: 61, from: "true", body: "  {code} with leading and trailing spaces  "),
                Step(channel: .call, timeout: 600, from: "null", body: "- {code}\n\n  indented line\n"),
            ]
        ),
    ]

    static let cases: [WriterCase] =
        [WriterCase(label: "everything", limits: limits, workflows: workflows)]
        + limits.map { WriterCase(label: "limit \($0.name)", limits: [$0]) }
        + workflows.map { WriterCase(label: "workflow \($0.name)", workflows: [$0]) }

    static func load(_ files: [(name: String, text: String)]) -> LoadedManifests {
        ManifestLoader.decode(files.map { (path: $0.name, bytes: Array($0.text.utf8)) }, scope: VariableScope())
    }

    @Test("the fixtures are objects the API accepts, so a load with no diagnostics is a fair expectation")
    func fixturesAreValid() {
        for limit in Self.limits {
            #expect(PolicyRules.problems(in: limit) == [], "\(limit.name)")
        }
        for workflow in Self.workflows {
            #expect(PolicyRules.problems(in: workflow) == [], "\(workflow.name)")
        }
    }

    @Test("written text reads back as exactly the objects written", arguments: cases)
    func textRoundTrips(_ input: WriterCase) {
        let text = ManifestWriter.text(limits: input.limits, workflows: input.workflows, header: "a header")
        let loaded = Self.load([("export.yaml", text)])
        #expect(loaded.diagnostics == [], "written:\n\(text)")
        #expect(loaded.manifests.limits.map(\.value) == input.limits.sorted { $0.name < $1.name }, "written:\n\(text)")
        #expect(
            loaded.manifests.workflows.map(\.value) == input.workflows.sorted { $0.name < $1.name },
            "written:\n\(text)"
        )
    }

    @Test("text written object by object is the text of the whole document's tree", arguments: cases)
    func streamedTextIsTheTreeText(_ input: WriterCase) throws {
        let tree = try YAMLEmitter().emit(ManifestWriter.document(limits: input.limits, workflows: input.workflows))
        #expect(ManifestWriter.text(limits: input.limits, workflows: input.workflows, header: nil) == tree)
    }

    @Test("the export layout reads back as exactly the objects written", arguments: cases)
    func filesRoundTrip(_ input: WriterCase) {
        let files = ManifestWriter.files(limits: input.limits, workflows: input.workflows)
        let limitFiles = input.limits.isEmpty ? [] : ["limits.yaml"]
        let expectedNames = limitFiles + (input.workflows.isEmpty ? [] : ["workflows.yaml"])
        #expect(files.map(\.name) == expectedNames)
        for file in files {
            #expect(file.text.hasPrefix("# \(ManifestWriter.exportHeader)\n"))
            #expect(!file.text.contains("$schema"))
        }
        let loaded = Self.load(files)
        #expect(loaded.diagnostics == [])
        #expect(loaded.manifests.limits.map(\.value) == input.limits.sorted { $0.name < $1.name })
        #expect(loaded.manifests.workflows.map(\.value) == input.workflows.sorted { $0.name < $1.name })
    }

    @Test("the output for a small policy is pinned, so format changes are deliberate")
    func exactText() {
        let limit = Limit(
            name: "limit_on_phone", description: "Caps OTPs per phone number",
            buckets: [.init(name: "burst", max: 3, interval: 600), .init(name: "daily", max: 10, interval: 86_400)]
        )
        let workflow = Workflow(
            name: "login", description: "123",
            steps: [
                Step(channel: .sms, timeout: 90, from: "ACME", body: "Your ACME code is {code}"),
                Step(
                    channel: .call, timeout: 120, from: "+41445550000", body: "{code} is your code", language: "en-US",
                    voice: .woman, repeat: 2
                ),
            ]
        )
        let text = ManifestWriter.text(
            limits: [limit], workflows: [workflow],
            header: "yaml-language-server: $schema=../schemas/manifest.schema.json\n\nExported for review."
        )
        #expect(
            text == """
                # yaml-language-server: $schema=../schemas/manifest.schema.json
                #
                # Exported for review.
                limits:
                  limit_on_phone:
                    description: Caps OTPs per phone number
                    buckets:
                    - name: burst
                      max: 3
                      interval: 10m
                    - name: daily
                      max: 10
                      interval: 1d
                workflows:
                  login:
                    description: "123"
                    codeLength: 6
                    codeTtl: 10m
                    maxAttempts: 5
                    steps:
                    - channel: sms
                      timeout: 1m30s
                      body: Your ACME code is {code}
                      from: ACME
                    - channel: call
                      timeout: 2m
                      body: '{code} is your code'
                      from: "+41445550000"
                      language: en-US
                      voice: woman
                      repeat: 2

                """
        )
    }

    @Test(
        "durations are written as a person would",
        arguments: [(1, "1s"), (90, "1m30s"), (600, "10m"), (3_660, "1h1m"), (86_400, "1d"), (31_536_000, "365d")]
    )
    func durations(seconds: Int, written: String) throws {
        let limit = Limit(name: "l", buckets: [.init(name: "b", max: 3, interval: seconds)])
        let document = ManifestWriter.document(limits: [limit], workflows: [])
        let interval = try #require(document["limits"]?["l"]?["buckets"]?[0]?["interval"])
        #expect(interval.string == written)
    }

    @Test("objects are written sorted by name, whatever order they come in")
    func sortedByName() {
        let make = { (name: String) in Limit(name: name, buckets: [.init(name: "b", max: 3, interval: 60)]) }
        let document = ManifestWriter.document(limits: ["b", "a", "C", "1"].map(make), workflows: [])
        #expect(document["limits"]?.mappingPairs?.map { $0.key.string } == ["1", "C", "a", "b"])
    }

    @Test("nothing to export gives a valid document that declares nothing, and no files")
    func empty() {
        let text = ManifestWriter.text(limits: [], workflows: [], header: ManifestWriter.exportHeader)
        let loaded = Self.load([("export.yaml", text)])
        #expect(loaded.diagnostics == [])
        #expect(loaded.manifests.limits.isEmpty)
        #expect(loaded.manifests.workflows.isEmpty)
        #expect(ManifestWriter.document(limits: [], workflows: []).mappingPairs?.isEmpty == true)
        #expect(ManifestWriter.files(limits: [], workflows: []).isEmpty)
    }
}
