import Foundation
import MittoClient
import MittoEmulator
import MittoTestSupport
import PolicyModel
import Testing

@Suite("Creates after an ambiguous failure: looked up by exact name, never repeated blindly")
struct AmbiguousCreateTests {
    static let limit = Limit(name: "limit_on_ip", buckets: [.init(name: "burst", max: 5, interval: 60)])
    static let workflow = Workflow(
        name: "login", codeTtl: 600, steps: [Step(channel: .sms, timeout: 60, from: "ACME", body: "Code {code}")]
    )

    @Test("a create whose answer was lost after the server stored it is found by name, not repeated")
    func answerLost() async throws {
        try await withRunningEmulator { emulator in
            try await emulator.injectFault(
                .init(method: "POST", path: "/2fa/limits", status: 500, when: .afterHandling))
            try await withRecordingClient(emulator) { api, _ in
                let created = try await api.createLimit(Self.limit)
                #expect(created.limit == Self.limit)
                #expect(try await api.listLimits().count == 1)
            }
            #expect(
                await emulator.apiCalls() == [
                    "POST /2fa/limits 500", "GET /2fa/limits/search 200", "GET /2fa/limits/search 200",
                ])
        }
    }

    @Test("a workflow whose answer was lost is found by name with the fields sent")
    func workflowAnswerLost() async throws {
        try await withRunningEmulator { emulator in
            try await emulator.injectFault(
                .init(method: "POST", path: "/2fa/workflows", status: 502, when: .afterHandling)
            )
            try await withRecordingClient(emulator) { api, _ in
                let created = try await api.createWorkflow(Self.workflow)
                #expect(created.workflow == Self.workflow)
            }
            #expect(await emulator.apiCalls() == ["POST /2fa/workflows 502", "GET /2fa/workflows/search 200"])
        }
    }

    @Test("a create that failed before the server stored it is looked up, then sent again once")
    func notStored() async throws {
        try await withRunningEmulator { emulator in
            try await emulator.injectFault(.init(method: "POST", path: "/2fa/limits", status: 502))
            try await withRecordingClient(emulator) { api, _ in
                _ = try await api.createLimit(Self.limit)
            }
            #expect(
                await emulator.apiCalls() == [
                    "POST /2fa/limits 502", "GET /2fa/limits/search 200", "POST /2fa/limits 200",
                ]
            )
        }
    }

    @Test("POST 500, nothing found, the second POST stores but its answer is lost: found, not a 409")
    func secondAnswerLost() async throws {
        try await withRunningEmulator { emulator in
            try await emulator.injectFault(.init(method: "POST", path: "/2fa/limits", status: 500))
            try await emulator.injectFault(
                .init(method: "POST", path: "/2fa/limits", status: 500, when: .afterHandling))
            let created = try await withRecordingClient(emulator) { api, _ in try await api.createLimit(Self.limit) }
            #expect(created.limit == Self.limit)
            #expect(
                await emulator.apiCalls() == [
                    "POST /2fa/limits 500", "GET /2fa/limits/search 200", "POST /2fa/limits 500",
                    "GET /2fa/limits/search 200",
                ])
            let limits = try await withClient(emulator) { api in try await api.listLimits() }
            #expect(limits.map(\.sid) == [created.sid])
        }
    }

    @Test("an object of the name with other fields, made by someone else meanwhile, is a conflict that says so")
    func someoneElsesObject() async throws {
        try await withRunningEmulator { emulator in
            try await emulator.injectFault(.init(method: "POST", path: "/2fa/limits", status: 500))
            let theirs = """
                {"name":"limit_on_ip","buckets":[{"name":"burst","max":50,"interval":60}]}
                """
            let made = LockedValue<String?>(nil)
            let error = try await withRecordingClient(
                emulator,
                onSleep: { _ in
                    let answer = try await RawHTTP(emulator).send("POST", "/2fa/limits", body: theirs)
                    made.withLock { $0 = answer.json["limit"].flatMap { ($0 as? [String: Any])?["sid"] as? String } }
                }
            ) { api, _ in
                await #expect(throws: MittoAPIError.self) { try await api.createLimit(Self.limit) }
            }
            let sid = try #require(made.value)
            #expect(error?.isOutcomeUnknown == false)
            #expect(error?.reason.isConflict == true)
            #expect(
                error?.description
                    == "POST /2fa/limits: a limit named 'limit_on_ip' exists (\(sid)) with other fields than were "
                    + "sent: someone else made or changed it"
            )
            #expect(
                await emulator.apiCalls() == [
                    "POST /2fa/limits 500", "POST /2fa/limits 200", "GET /2fa/limits/search 200",
                ])
        }
    }

    @Test("ambiguous failures every time: bounded, each POST after the first preceded by a lookup, outcome unknown")
    func bounded() async throws {
        try await withRunningEmulator { emulator in
            try await emulator.injectFault(.init(method: "POST", path: "/2fa/limits", status: 500, times: 100))
            let policy = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(100))
            try await withRecordingClient(emulator, policy: policy) { api, _ in
                let error = await #expect(throws: MittoAPIError.self) { try await api.createLimit(Self.limit) }
                #expect(error?.isOutcomeUnknown == true)
                #expect(
                    error?.description
                        == "POST /2fa/limits: outcome unknown: gave up after 3 attempts: 500: Injected fault: 500")
            }
            #expect(
                await emulator.apiCalls() == [
                    "POST /2fa/limits 500", "GET /2fa/limits/search 200",
                    "POST /2fa/limits 500", "GET /2fa/limits/search 200",
                    "POST /2fa/limits 500", "GET /2fa/limits/search 200",
                ])
        }
    }

    @Test("failures that surely did nothing (503, 429) are retried without lookups")
    func cleanFailures() async throws {
        try await withRunningEmulator { emulator in
            try await emulator.injectFault(.init(method: "POST", path: "/2fa/limits", status: 503))
            try await emulator.injectFault(.init(method: "POST", path: "/2fa/limits", status: 429))
            try await withRecordingClient(emulator) { api, _ in _ = try await api.createLimit(Self.limit) }
            #expect(
                await emulator.apiCalls() == ["POST /2fa/limits 503", "POST /2fa/limits 429", "POST /2fa/limits 200"]
            )
        }
    }

    /// What a search with a name filter that is not exact answers after a lost create.
    struct LooseSearch: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var found: [(sid: String, name: String, max: Int)]
        /// The sid the create must return.
        var expected: String
        /// POSTs the client must send.
        var posts: Int
    }

    static let exact = "LM" + String(repeating: "1", count: 32)
    static let prefixed = "LM" + String(repeating: "2", count: 32)
    static let posted = "LM" + String(repeating: "3", count: 32)

    @Test(
        "the lookup takes only the exact name, not the search's first result",
        arguments: [
            LooseSearch(
                testDescription: "a longer name first, then the exact one",
                found: [(prefixed, "limit_on_ip_eu", 9), (exact, "limit_on_ip", 5)], expected: exact, posts: 1
            ),
            LooseSearch(
                testDescription: "only a longer name: nothing of the name exists, so it is sent again",
                found: [(prefixed, "limit_on_ip_eu", 5)], expected: posted, posts: 2
            ),
        ]
    )
    func exactName(_ search: LooseSearch) async throws {
        let posts = LockedValue(0)
        let answer = { @Sendable (request: StubRequest) -> StubResponse in
            switch (request.method, request.path) {
            case ("POST", "/2fa/limits"):
                let count = posts.withLock { count in
                    count += 1
                    return count
                }
                if count == 1 { return StubResponse(status: 500, body: #"{"code":500,"message":"Lost"}"#) }
                return StubResponse(
                    body: #"{"code":200,"message":"OK","limit":\#(limitJSON(Self.posted, "limit_on_ip", 5))}"#)
            case ("GET", "/2fa/limits/search"):
                let items = search.found.map { limitJSON($0.sid, $0.name, $0.max) }.joined(separator: ",")
                return StubResponse(
                    body: #"{"code":200,"message":"OK","limits":[\#(items)],"page":0,"pageSize":1000,"#
                        + #""total":\#(search.found.count),"numPages":1,"nextPageUri":null}"#
                )
            default:
                return StubResponse(status: 404, body: #"{"code":404,"message":"No"}"#)
            }
        }
        try await withStubServer(answer) { endpoint in
            try await withRecordingClient(endpoint) { api, _ in
                let created = try await api.createLimit(Self.limit)
                #expect(created.sid == search.expected)
                #expect(created.limit == Self.limit)
            }
        }
        #expect(posts.value == search.posts)
    }
}

/// A limit as the API sends it, with one bucket `burst` of `max` per minute.
func limitJSON(_ sid: String, _ name: String, _ max: Int) -> String {
    #"{"sid":"\#(sid)","accountSid":"ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","name":"\#(name)","description":null,"#
        + #""buckets":[{"name":"burst","max":\#(max),"interval":60}],"dateCreated":"2026-11-28T10:00:00Z","#
        + #""dateUpdated":"2026-11-28T10:00:00Z","uri":"/2fa/limits/\#(sid)"}"#
}

extension MittoAPIError.Reason {
    /// Whether this is a `.conflict`.
    var isConflict: Bool {
        if case .conflict = self { true } else { false }
    }
}
