import Foundation
import MittoClient
import MittoEmulator
import MittoTestSupport
import PolicyModel
import Testing

@Suite("Retries, backoff and ambiguous creates")
struct RetryTests {
    static let limit = Limit(name: "limit_on_ip", buckets: [.init(name: "burst", max: 5, interval: 60)])

    /// Records the delays the client waits instead of sleeping, so tests run instantly.
    final class SleepRecorder: Sendable {
        let delays = LockedValue<[Duration]>([])
        var recorded: [Duration] { delays.value }
        func sleep(_ duration: Duration) async throws { delays.withLock { $0.append(duration) } }
    }

    static func withRecordingClient<Result: Sendable>(
        _ emulator: RunningEmulator,
        policy: RetryPolicy = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(100), maxDelay: .seconds(2)),
        _ body: (HTTPMittoAPI, SleepRecorder) async throws -> Result
    ) async throws -> Result {
        let recorder = SleepRecorder()
        return try await withHTTPClient { client in
            let api = HTTPMittoAPI(
                endpoint: emulator.endpoint, credentials: TestAccounts.credentials(TestAccounts.acme),
                httpClient: client, retryPolicy: policy, sleep: { try await recorder.sleep($0) }, random: { $0 }
            )
            return try await body(api, recorder)
        }
    }

    @Test("503s and 429s are retried with doubling delays until the call succeeds")
    func backoff() async throws {
        try await withRunningEmulator { emulator in
            await emulator.faults.add(.init(method: "GET", path: "/2fa/limits/search", status: 503, times: 2))
            await emulator.faults.add(.init(method: "GET", path: "/2fa/limits/search", status: 429, times: 1))
            try await Self.withRecordingClient(emulator) { api, recorder in
                let limits = try await api.listLimits()
                #expect(limits.isEmpty)
                #expect(recorder.recorded == [.milliseconds(100), .milliseconds(200), .milliseconds(400)])
            }
            #expect(await emulator.journal.all.map(\.status) == [503, 503, 429, 200])
        }
    }

    @Test("Retry-After is honoured over the backoff")
    func retryAfter() async throws {
        try await withRunningEmulator { emulator in
            await emulator.faults.add(.init(path: "/2fa/limits/search", status: 429, retryAfter: 3))
            try await Self.withRecordingClient(emulator) { api, recorder in
                _ = try await api.listLimits()
                #expect(recorder.recorded == [.seconds(3)])
            }
        }
    }

    @Test("retries stop at the attempt bound and say so")
    func boundedAttempts() async throws {
        try await withRunningEmulator { emulator in
            await emulator.faults.add(.init(path: "/2fa/limits/search", status: 503, times: 100))
            try await Self.withRecordingClient(emulator) { api, recorder in
                let error = await #expect(throws: MittoAPIError.self) { try await api.listLimits() }
                #expect(error?.status == 503)
                #expect(error?.description.contains("gave up after 5 attempts") == true)
                #expect(recorder.recorded.count == 4)
            }
            #expect(await emulator.journal.all.count == 5)
        }
    }

    @Test("a Retry-After beyond the time budget ends retrying at once")
    func budget() async throws {
        try await withRunningEmulator { emulator in
            await emulator.faults.add(.init(path: "/2fa/limits/search", status: 429, retryAfter: 3600))
            let policy = RetryPolicy(maxAttempts: 5, budget: .seconds(60))
            try await Self.withRecordingClient(emulator, policy: policy) { api, recorder in
                let error = await #expect(throws: MittoAPIError.self) { try await api.listLimits() }
                #expect(error?.status == 429)
                #expect(recorder.recorded.isEmpty)
            }
        }
    }

    @Test("a create whose answer was lost after the server stored it is found by name, not repeated")
    func ambiguousCreateFound() async throws {
        try await withRunningEmulator { emulator in
            await emulator.faults.add(.init(method: "POST", path: "/2fa/limits", status: 500, when: .afterHandling))
            try await Self.withRecordingClient(emulator) { api, _ in
                let created = try await api.createLimit(Self.limit)
                #expect(created.limit == Self.limit)
                #expect(try await api.listLimits().count == 1)
            }
            let calls = await emulator.journal.all.map(\.description)
            #expect(calls == ["POST /2fa/limits 500", "GET /2fa/limits/search 200", "GET /2fa/limits/search 200"])
        }
    }

    @Test("a create that timed out after the server stored it is found by name")
    func ambiguousCreateTimeout() async throws {
        try await withRunningEmulator { emulator in
            await emulator.faults.add(.init(method: "POST", path: "/2fa/limits", delay: 3, when: .afterHandling))
            let policy = RetryPolicy(maxAttempts: 3, requestTimeout: .milliseconds(500))
            try await Self.withRecordingClient(emulator, policy: policy) { api, _ in
                let created = try await api.createLimit(Self.limit)
                #expect(created.limit == Self.limit)
            }
            let posts = await emulator.journal.all.filter { $0.method == "POST" }
            #expect(posts.count <= 1)
            let limits = try await withClient(emulator) { api in try await api.listLimits() }
            #expect(limits.count == 1)
        }
    }

    @Test("a create that failed before the server stored it is sent again, once")
    func ambiguousCreateNotStored() async throws {
        try await withRunningEmulator { emulator in
            await emulator.faults.add(.init(method: "POST", path: "/2fa/limits", status: 502, when: .beforeHandling))
            try await Self.withRecordingClient(emulator) { api, _ in
                _ = try await api.createLimit(Self.limit)
                #expect(try await api.listLimits().count == 1)
            }
            let calls = await emulator.journal.all.map(\.description)
            #expect(calls.prefix(3) == ["POST /2fa/limits 502", "GET /2fa/limits/search 200", "POST /2fa/limits 200"])
        }
    }

    @Test("a server that is not there is a transport error after bounded retries, with no key in it")
    func noServer() async throws {
        let port = try await withRunningEmulator { $0.port }
        try await withHTTPClient { client in
            let recorder = SleepRecorder()
            let api = HTTPMittoAPI(
                endpoint: URL(string: "http://127.0.0.1:\(port)")!,
                credentials: TestAccounts.credentials(TestAccounts.acme), httpClient: client,
                retryPolicy: RetryPolicy(maxAttempts: 3, requestTimeout: .milliseconds(300)),
                sleep: { try await recorder.sleep($0) }
            )
            let error = await #expect(throws: MittoAPIError.self) { try await api.listWorkflows() }
            #expect(error?.status == nil)
            #expect(error?.description.contains("gave up after 3 attempts: no answer") == true)
            #expect(error?.description.contains(TestAccounts.acme.apiKey) == false)
            #expect(recorder.recorded.count == 2)
        }
    }
}
