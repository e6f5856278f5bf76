import Foundation
import MittoClient
import MittoEmulator
import MittoTestSupport
import MittoWire
import PolicyModel
import Testing

@Suite("Listing across pages reads one state of the account")
struct ListingTests {
    /// Stores `count` limits named `limit_0`… directly, in creation order.
    static func seed(_ emulator: RunningEmulator, count: Int) async throws {
        for index in 0..<count {
            let sid = sid(index)
            try await emulator.store.insert(
                LimitResource(
                    sid: sid, accountSid: TestAccounts.acme.sid, name: "limit_\(index)", description: nil,
                    buckets: [.init(name: "b", max: 1, interval: 60)], dateCreated: "2026-11-28T10:00:00Z",
                    dateUpdated: "2026-11-28T10:00:00Z", uri: "/2fa/limits/\(sid)"
                )
            )
        }
    }

    static func sid(_ index: Int) -> String { "LM" + String(format: "%032x", index) }

    /// The names the account really has now.
    static func storedNames(_ emulator: RunningEmulator) async throws -> [String] {
        try await emulator.store.search(
            LimitResource.self, accountSid: TestAccounts.acme.sid, name: nil, offset: 0, limit: 10_000
        ).items.map(\.name)
    }

    /// Faults that let the first page of a read through and fail the second once, so the client waits (and the
    /// test changes the account) between the two; a third lets the retried page through.
    static func failSecondPage(_ emulator: RunningEmulator) async throws {
        try await emulator.injectFault(.init(method: "GET", path: "/2fa/limits/search"))
        try await emulator.injectFault(.init(method: "GET", path: "/2fa/limits/search", status: 503))
        try await emulator.injectFault(.init(method: "GET", path: "/2fa/limits/search"))
    }

    @Test("an object deleted between two page reads shifts the pages; the read starts again and misses nothing")
    func deletedBetweenPages() async throws {
        try await withRunningEmulator { emulator in
            try await Self.seed(emulator, count: 1_500)
            try await Self.failSecondPage(emulator)
            let listed = try await withRecordingClient(
                emulator, onSleep: { _ in try await emulator.store.delete(.limit, sid: Self.sid(5)) }
            ) { api, _ in try await api.listLimits() }
            let stored = try await Self.storedNames(emulator)
            #expect(stored.count == 1_499)
            #expect(listed.map(\.name) == stored)
            #expect(
                await emulator.apiCalls() == [
                    "GET /2fa/limits/search 200", "GET /2fa/limits/search 503", "GET /2fa/limits/search 200",
                    "GET /2fa/limits/search 200", "GET /2fa/limits/search 200",
                ])
        }
    }

    @Test("an account that keeps changing fails after three reads, saying so")
    func keepsChanging() async throws {
        try await withRunningEmulator { emulator in
            try await Self.seed(emulator, count: 1_500)
            for _ in 0..<3 { try await Self.failSecondPage(emulator) }
            try await withRecordingClient(
                emulator, onSleep: { count in try await emulator.store.delete(.limit, sid: Self.sid(count)) }
            ) { api, _ in
                let error = await #expect(throws: MittoAPIError.self) { try await api.listLimits() }
                #expect(error?.reason.isConflict == true)
                #expect(error?.isOutcomeUnknown == false)
                #expect(
                    error?.description
                        == "GET /2fa/limits/search: the account kept changing during the read (3 reads, the last: "
                        + "the total went from 1498 to 1497 between pages); try again when nobody else is changing it"
                )
            }
            #expect(await emulator.apiCalls().count == 9)
        }
    }

    @Test("an object listed on two pages is caught and the read starts again")
    func listedTwice() async throws {
        let reads = LockedValue(0)
        let answer = { @Sendable (request: StubRequest) -> StubResponse in
            let page = Int(request.query["page"] ?? "") ?? -1
            if page == 0 { reads.withLock { $0 += 1 } }
            // The first read's second page repeats the first page's last object.
            let pages = reads.value == 1 ? [["A", "B"], ["B", "C"]] : [["A", "B"], ["C"]]
            let items = pages[page].map { limitJSON("LM\($0)", "limit_\($0)", 1) }.joined(separator: ",")
            return StubResponse(
                body: #"{"code":200,"message":"OK","limits":[\#(items)],"page":\#(page),"pageSize":2,"total":3,"#
                    + #""numPages":2,"nextPageUri":null}"#
            )
        }
        let listed = try await withStubServer(answer) { endpoint in
            try await withRecordingClient(endpoint) { api, _ in try await api.listLimits() }
        }
        #expect(listed.map(\.sid) == ["LMA", "LMB", "LMC"])
        #expect(reads.value == 2)
    }

    @Test("the pages after the first are read at once, at most four at a time")
    func concurrentPages() async throws {
        let inFlight = LockedValue(0)
        let most = LockedValue(0)
        let arrived = LockedValue(0)
        let answer = { @Sendable (request: StubRequest) -> StubResponse in
            let page = Int(request.query["page"] ?? "") ?? 0
            if page > 0 {
                let now = inFlight.withLock { count in
                    count += 1
                    return count
                }
                most.withLock { $0 = max($0, now) }
                arrived.withLock { $0 += 1 }
                // Hold each of the first four answers until all four are waiting, or a second has passed.
                let deadline = ContinuousClock.now + .seconds(1)
                while arrived.value < 4 && ContinuousClock.now < deadline {
                    try? await Task.sleep(for: .milliseconds(5))
                }
                try? await Task.sleep(for: .milliseconds(20))
                inFlight.withLock { $0 -= 1 }
            }
            let item = limitJSON("LM\(page)", "limit_\(page)", 1)
            return StubResponse(
                body: #"{"code":200,"message":"OK","limits":[\#(item)],"page":\#(page),"pageSize":1,"total":9,"#
                    + #""numPages":9,"nextPageUri":null}"#
            )
        }
        let listed = try await withStubServer(answer) { endpoint in
            try await withHTTPMittoAPI(
                endpoint: endpoint, credentials: TestAccounts.credentials(TestAccounts.acme)
            ) { api in try await api.listLimits() }
        }
        #expect(listed.map(\.sid) == (0..<9).map { "LM\($0)" })
        #expect(most.value == 4)
    }
}
