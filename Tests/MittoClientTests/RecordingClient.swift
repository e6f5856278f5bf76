import AsyncHTTPClient
import Foundation
import MittoClient
import MittoTestSupport

/// Records the delays the client waits instead of sleeping, so tests run instantly, and runs `onSleep` at each
/// (numbered from 1), so a test can change the account between two attempts.
final class SleepRecorder: Sendable {
    let delays = LockedValue<[Duration]>([])
    let onSleep: @Sendable (Int) async throws -> Void

    init(onSleep: @escaping @Sendable (Int) async throws -> Void = { _ in }) {
        self.onSleep = onSleep
    }

    var recorded: [Duration] { delays.value }

    func sleep(_ duration: Duration) async throws {
        let count = delays.withLock { delays in
            delays.append(duration)
            return delays.count
        }
        try await onSleep(count)
    }
}

/// The retry policy of these tests: the delays are recorded, not waited.
let recordedPolicy = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(100), maxDelay: .seconds(2))

/// Runs `body` with a client for `acme` on `endpoint` whose waits are recorded, with no jitter.
func withRecordingClient<Result: Sendable>(
    _ endpoint: URL,
    policy: RetryPolicy = recordedPolicy,
    onSleep: @escaping @Sendable (Int) async throws -> Void = { _ in },
    _ body: (HTTPMittoAPI, SleepRecorder) async throws -> Result
) async throws -> Result {
    let recorder = SleepRecorder(onSleep: onSleep)
    // The settings `withHTTPMittoAPI` uses, so connection failures reach the client as they do in the tool.
    let client = HTTPClient(
        eventLoopGroupProvider: .singleton, configuration: HTTPMittoAPI.clientConfiguration(parallelism: 8)
    )
    let api = HTTPMittoAPI(
        endpoint: endpoint, credentials: TestAccounts.credentials(TestAccounts.acme),
        httpClient: client, retryPolicy: policy, sleep: { try await recorder.sleep($0) }, random: { $0 }
    )
    do {
        let result = try await body(api, recorder)
        try await client.shutdown()
        return result
    } catch {
        try? await client.shutdown()
        throw error
    }
}

/// The same, for a running emulator.
func withRecordingClient<Result: Sendable>(
    _ emulator: RunningEmulator,
    policy: RetryPolicy = recordedPolicy,
    onSleep: @escaping @Sendable (Int) async throws -> Void = { _ in },
    _ body: (HTTPMittoAPI, SleepRecorder) async throws -> Result
) async throws -> Result {
    try await withRecordingClient(emulator.endpoint, policy: policy, onSleep: onSleep, body)
}
