import Foundation
import MittoClient
import MittoEmulator
import MittoTestSupport
import PolicyModel
import Testing

@Suite("Unknown outcomes are told apart from failures")
struct OutcomeTests {
    static let limit = Limit(name: "limit_on_phone", buckets: [.init(name: "burst", max: 3, interval: 600)])

    enum Call: Sendable {
        case replace, replaceInvalid, deleteUnknown, read, createTaken
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var call: Call
        /// The faults for the existing limit's path.
        var faults: @Sendable (String) -> [FaultInjector.Fault] = { _ in [] }
        var isOutcomeUnknown: Bool
    }

    @Test(
        "isOutcomeUnknown is true exactly when a write may have been carried out",
        arguments: [
            Case(
                testDescription: "PUT answered 500 after the change, every time", call: .replace,
                faults: {
                    [.init(method: "PUT", path: "/2fa/limits/\($0)", status: 500, when: .afterHandling, times: 9)]
                },
                isOutcomeUnknown: true
            ),
            Case(
                testDescription: "PUT answered 502, then 503 until the attempts run out", call: .replace,
                faults: {
                    [
                        .init(method: "PUT", path: "/2fa/limits/\($0)", status: 502),
                        .init(method: "PUT", path: "/2fa/limits/\($0)", status: 503, times: 9),
                    ]
                },
                isOutcomeUnknown: true
            ),
            Case(
                testDescription: "PUT refused with 503 until the attempts run out", call: .replace,
                faults: { [.init(method: "PUT", path: "/2fa/limits/\($0)", status: 503, times: 9)] },
                isOutcomeUnknown: false
            ),
            Case(testDescription: "PUT refused as invalid (400)", call: .replaceInvalid, isOutcomeUnknown: false),
            Case(testDescription: "DELETE of an unknown sid (404)", call: .deleteUnknown, isOutcomeUnknown: false),
            Case(
                testDescription: "GET failing with 500 every time", call: .read,
                faults: { [.init(method: "GET", path: "/2fa/limits/\($0)", status: 500, times: 9)] },
                isOutcomeUnknown: false
            ),
            Case(testDescription: "POST of a name that is taken (409)", call: .createTaken, isOutcomeUnknown: false),
        ]
    )
    func outcome(_ example: Case) async throws {
        try await withRunningEmulator { emulator in
            let existing = try await withClient(emulator) { api in try await api.createLimit(Self.limit) }
            for fault in example.faults(existing.sid) { try await emulator.injectFault(fault) }
            let policy = RetryPolicy(maxAttempts: 3)
            try await withRecordingClient(emulator, policy: policy) { api, _ in
                let error = await #expect(throws: MittoAPIError.self) {
                    switch example.call {
                    case .replace: _ = try await api.replaceLimit(sid: existing.sid, with: Self.limit)
                    case .replaceInvalid:
                        var invalid = Self.limit
                        invalid.buckets[0].max = 0
                        _ = try await api.replaceLimit(sid: existing.sid, with: invalid)
                    case .deleteUnknown: try await api.deleteLimit(sid: "LM" + String(repeating: "0", count: 32))
                    case .read: _ = try await api.limit(sid: existing.sid)
                    case .createTaken: _ = try await api.createLimit(Self.limit)
                    }
                }
                #expect(error?.isOutcomeUnknown == example.isOutcomeUnknown)
                #expect(error?.description.contains(": outcome unknown: ") == example.isOutcomeUnknown)
            }
        }
    }

    @Test("a delete whose answer was lost is retried, and the retry's 404 taken as done")
    func deleteAnswerLost() async throws {
        try await withRunningEmulator { emulator in
            let existing = try await withClient(emulator) { api in try await api.createLimit(Self.limit) }
            let path = "/2fa/limits/\(existing.sid)"
            try await emulator.injectFault(.init(method: "DELETE", path: path, status: 500, when: .afterHandling))
            try await withRecordingClient(emulator) { api, _ in
                try await api.deleteLimit(sid: existing.sid)
                #expect(try await api.listLimits().isEmpty)
            }
            #expect(
                await emulator.apiCalls().suffix(3) == [
                    "DELETE \(path) 500", "DELETE \(path) 404", "GET /2fa/limits/search 200",
                ])
        }
    }

    @Test("a create that never reached a server is a definite failure, sent again without lookups")
    func createNotConnected() async throws {
        let port = try await withRunningEmulator { $0.port }
        try await withRecordingClient(URL(string: "http://127.0.0.1:\(port)")!, policy: RetryPolicy(maxAttempts: 3)) {
            api, recorder in
            let error = await #expect(throws: MittoAPIError.self) { try await api.createLimit(Self.limit) }
            #expect(error?.isOutcomeUnknown == false)
            #expect(
                error?.description
                    == "POST /2fa/limits: gave up after 3 attempts: no answer: connection refused (127.0.0.1:\(port))"
            )
            #expect(recorder.recorded.count == 2)
        }
    }
}
