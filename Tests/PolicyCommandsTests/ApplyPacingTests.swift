import Foundation
import MittoTestSupport
import Testing

/// An apply slowed by the client-side rate limit says so, with the override.
@Suite("apply and its request rate limit")
struct ApplyPacingTests {
    static let policy =
        "limits:\n"
        + (0..<8).map { "  l\($0):\n    buckets: [{name: b, max: 1, interval: 60}]" }.joined(separator: "\n")

    @Test("a low --rate that sets the pace is named, with what to pass; a high one is not mentioned")
    func pacingNote() async throws {
        try await withTemporaryDirectory { directory in
            try Self.policy.write(to: directory.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
            let slow = try CommandRunner.run(["apply", "--auto-approve", "--rate", "4"], in: directory)
            #expect(slow.status == 0, "\(slow.stderr)")
            #expect(slow.stderr.contains("Note: the client-side rate limit set the pace of this apply: "))
            #expect(slow.stderr.contains("Pass a higher --rate if the account's API allows more."))

            try (Self.policy + "\n  l8:\n    buckets: [{name: b, max: 1, interval: 60}]").write(
                to: directory.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
            let fast = try CommandRunner.run(["apply", "--auto-approve", "--rate", "10000"], in: directory)
            #expect(fast.status == 0)
            #expect(!fast.stderr.contains("rate limit"))
        }
    }
}
