import Foundation
import MittoClient
import MittoEmulator
import MittoTestSupport
import PolicyModel
import Testing

@Suite("Writes conditional on the object being what was read (If-Match)")
struct ConditionalWriteTests {
    static let limit = Limit(name: "limit_on_ip", buckets: [.init(name: "burst", max: 5, interval: 60)])

    @Test("a replace or delete expecting an old fingerprint is a conflict, and the object is left as it is")
    func staleFingerprint() async throws {
        try await withRunningEmulator { emulator in
            try await withClient(emulator) { api in
                let created = try await api.createLimit(Self.limit)
                let read = created.limit.fingerprint
                var edited = Self.limit
                edited.buckets[0].max = 50
                _ = try await api.replaceLimit(sid: created.sid, with: edited)
                var mine = Self.limit
                mine.buckets[0].max = 6
                let replace = await #expect(throws: MittoAPIError.self) {
                    try await api.replaceLimit(sid: created.sid, with: mine, expecting: read)
                }
                #expect(replace?.isOutcomeUnknown == false)
                #expect(
                    replace?.description
                        == "PUT /2fa/limits/\(created.sid): the limit \(created.sid) changed since it was read, so the "
                        + "API refused the write (412) and nothing was changed")
                let delete = await #expect(throws: MittoAPIError.self) {
                    try await api.deleteLimit(sid: created.sid, expecting: read)
                }
                #expect(delete?.description.contains("refused the write (412)") == true)
                #expect(try await api.limit(sid: created.sid).limit == edited)
            }
        }
    }

    @Test("a conditional replace whose answer was lost, and whose retry is then refused, is found to be our own write")
    func lostAnswerThenPrecondition() async throws {
        try await withRunningEmulator { emulator in
            try await withClient(emulator) { api in
                let created = try await api.createLimit(Self.limit)
                try await emulator.injectFault(
                    .init(method: "PUT", path: "/2fa/limits/\(created.sid)", status: 500, when: .afterHandling))
                var mine = Self.limit
                mine.buckets[0].max = 6
                let result = try await api.replaceLimit(
                    sid: created.sid, with: mine, expecting: created.limit.fingerprint)
                #expect(result.limit == mine)
                #expect(
                    await emulator.apiCalls().suffix(3) == [
                        "PUT /2fa/limits/\(created.sid) 500", "PUT /2fa/limits/\(created.sid) 412",
                        "GET /2fa/limits/\(created.sid) 200",
                    ])
            }
        }
    }
}
