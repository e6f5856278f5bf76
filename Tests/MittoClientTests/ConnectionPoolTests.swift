import Foundation
import MittoClient
import MittoTestSupport
import Testing

@Suite("The connection pool fits the parallelism")
struct ConnectionPoolTests {
    @Test("withHTTPMittoAPI keeps as many connections open at once as the parallelism it is given")
    func poolFitsParallelism() async throws {
        let parallelism = 16
        let inFlight = LockedValue(0)
        let most = LockedValue(0)
        let arrived = LockedValue(0)
        let answer = { @Sendable (request: StubRequest) -> StubResponse in
            let now = inFlight.withLock { count in
                count += 1
                return count
            }
            most.withLock { $0 = max($0, now) }
            arrived.withLock { $0 += 1 }
            // Hold every answer until all the calls are waiting at once, or two seconds have passed.
            let deadline = ContinuousClock.now + .seconds(2)
            while arrived.value < parallelism && ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(5))
            }
            inFlight.withLock { $0 -= 1 }
            let sid = String(request.path.split(separator: "/").last ?? "")
            return StubResponse(body: #"{"code":200,"message":"OK","limit":\#(limitJSON(sid, "limit_\(sid)", 1))}"#)
        }
        let sids = try await withStubServer(answer) { endpoint in
            try await withHTTPMittoAPI(
                endpoint: endpoint, credentials: TestAccounts.credentials(TestAccounts.acme), parallelism: parallelism
            ) { api in
                try await withThrowingTaskGroup(of: String.self) { group in
                    for index in 0..<parallelism {
                        group.addTask { try await api.limit(sid: "LM\(index)").sid }
                    }
                    return try await group.reduce(into: Set<String>()) { $0.insert($1) }
                }
            }
        }
        #expect(sids.count == parallelism)
        #expect(most.value == parallelism)
    }
}
