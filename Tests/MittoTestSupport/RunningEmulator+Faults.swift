public import Foundation
public import MittoEmulator

extension RunningEmulator {
    /// Injects `fault` over HTTP, as a test in another process would, with `account`'s credentials.
    public func injectFault(_ fault: FaultInjector.Fault, as account: Account = TestAccounts.acme) async throws {
        let body = String(decoding: try JSONEncoder().encode(fault), as: UTF8.self)
        let response = try await RawHTTP(self, account: account).send("POST", "/_emulator/faults", body: body)
        guard response.status == 200 else {
            throw FaultRefused(status: response.status, body: response.body)
        }
    }

    /// The API requests answered so far, as `POST /2fa/limits 500`, without the `/_emulator` ones.
    public func apiCalls() async -> [String] {
        await journal.all.filter { $0.path.hasPrefix("/2fa") }.map(\.description)
    }
}

/// The emulator refused a fault a test tried to inject.
public struct FaultRefused: Error, CustomStringConvertible {
    /// The status answered.
    public var status: Int
    /// The body answered.
    public var body: String

    /// `fault refused: 400 {…}`.
    public var description: String { "fault refused: \(status) \(body)" }
}

extension RunningEmulator {
    /// The API requests answered, once there are `count` of them: a request is journaled when its answer is sent,
    /// so one whose answer an injected fault holds back appears late.
    public func waitForAPICalls(count: Int, within limit: Duration = .seconds(10)) async throws -> [String] {
        let deadline = ContinuousClock.now + limit
        while true {
            let calls = await apiCalls()
            if calls.count >= count || ContinuousClock.now > deadline { return calls }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}
