import Foundation
import MittoClient
import MittoEmulator
import MittoTestSupport
import PolicyModel
import Testing

@Suite("Retries, backoff, timeouts and unreachable servers")
struct RetryTests {
    static let limit = Limit(name: "limit_on_ip", buckets: [.init(name: "burst", max: 5, interval: 60)])

    @Test("503s and 429s are retried with doubling delays until the call succeeds")
    func backoff() async throws {
        try await withRunningEmulator { emulator in
            try await emulator.injectFault(.init(method: "GET", path: "/2fa/limits/search", status: 503, times: 2))
            try await emulator.injectFault(.init(method: "GET", path: "/2fa/limits/search", status: 429, times: 1))
            try await withRecordingClient(emulator) { api, recorder in
                let limits = try await api.listLimits()
                #expect(limits.isEmpty)
                #expect(recorder.recorded == [.milliseconds(100), .milliseconds(200), .milliseconds(400)])
            }
            #expect(
                await emulator.apiCalls() == [
                    "GET /2fa/limits/search 503", "GET /2fa/limits/search 503", "GET /2fa/limits/search 429",
                    "GET /2fa/limits/search 200",
                ])
        }
    }

    @Test("Retry-After is honoured over the backoff")
    func retryAfter() async throws {
        try await withRunningEmulator { emulator in
            try await emulator.injectFault(.init(path: "/2fa/limits/search", status: 429, retryAfter: 3))
            try await withRecordingClient(emulator) { api, recorder in
                _ = try await api.listLimits()
                #expect(recorder.recorded == [.seconds(3)])
            }
        }
    }

    @Test("retries stop at the attempt bound and say so")
    func boundedAttempts() async throws {
        try await withRunningEmulator { emulator in
            try await emulator.injectFault(.init(path: "/2fa/limits/search", status: 503, times: 100))
            try await withRecordingClient(emulator) { api, recorder in
                let error = await #expect(throws: MittoAPIError.self) { try await api.listLimits() }
                #expect(error?.status == 503)
                #expect(error?.description.contains("gave up after 5 attempts") == true)
                #expect(recorder.recorded.count == 4)
            }
            #expect(await emulator.apiCalls().count == 5)
        }
    }

    @Test("a Retry-After beyond the time budget ends retrying at once")
    func budget() async throws {
        try await withRunningEmulator { emulator in
            try await emulator.injectFault(.init(path: "/2fa/limits/search", status: 429, retryAfter: 3600))
            let policy = RetryPolicy(maxAttempts: 5, budget: .seconds(60))
            try await withRecordingClient(emulator, policy: policy) { api, recorder in
                let error = await #expect(throws: MittoAPIError.self) { try await api.listLimits() }
                #expect(error?.status == 429)
                #expect(recorder.recorded.isEmpty)
            }
        }
    }

    @Test("a create that timed out after the server stored it is found by name, not sent again")
    func createTimeout() async throws {
        try await withRunningEmulator { emulator in
            // The answer is held for 4 s after the limit is stored; the client gives up on it after 1 s (long enough
            // for the lookup to be answered on a loaded machine).
            try await emulator.injectFault(.init(method: "POST", path: "/2fa/limits", delay: 4, when: .afterHandling))
            let policy = RetryPolicy(maxAttempts: 3, requestTimeout: .seconds(1))
            let created = try await withRecordingClient(emulator, policy: policy) { api, _ in
                try await api.createLimit(Self.limit)
            }
            #expect(created.limit == Self.limit)
            // The journal records a request when it is answered: the lookup answered before the held POST shows
            // the client stopped waiting for it, and there is no second POST.
            let calls = try await emulator.waitForAPICalls(count: 2)
            #expect(calls == ["GET /2fa/limits/search 200", "POST /2fa/limits 200"])
        }
    }

    @Test("a timed-out write says so, and that its outcome is unknown")
    func timeoutMessage() async throws {
        try await withRunningEmulator { emulator in
            let existing = try await withClient(emulator) { api in try await api.createLimit(Self.limit) }
            try await emulator.injectFault(
                .init(method: "PUT", path: "/2fa/limits/\(existing.sid)", delay: 1, when: .afterHandling, times: 2)
            )
            let policy = RetryPolicy(maxAttempts: 2, requestTimeout: .milliseconds(150))
            try await withRecordingClient(emulator, policy: policy) { api, _ in
                let error = await #expect(throws: MittoAPIError.self) {
                    try await api.replaceLimit(sid: existing.sid, with: Self.limit)
                }
                #expect(error?.isOutcomeUnknown == true)
                #expect(
                    error?.description
                        == "PUT /2fa/limits/\(existing.sid): outcome unknown: gave up after 2 attempts: "
                        + "no answer: timed out after 150 ms (127.0.0.1:\(emulator.port))"
                )
            }
        }
    }

    @Test("a server that is not there is a refused connection after bounded retries, said plainly, with no key")
    func noServer() async throws {
        let port = try await withRunningEmulator { $0.port }
        try await withRecordingClient(
            URL(string: "http://127.0.0.1:\(port)")!,
            policy: RetryPolicy(maxAttempts: 3, requestTimeout: .milliseconds(300))
        ) { api, recorder in
            let error = await #expect(throws: MittoAPIError.self) { try await api.listWorkflows() }
            #expect(error?.status == nil)
            #expect(
                error?.description
                    == "GET /2fa/workflows/search?page=0&pageSize=1000: gave up after 3 attempts: "
                    + "no answer: connection refused (127.0.0.1:\(port))"
            )
            #expect(error?.description.contains(TestAccounts.acme.apiKey) == false)
            #expect(recorder.recorded.count == 2)
        }
    }
}
