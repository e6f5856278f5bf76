import Foundation
import MittoTestSupport
import Testing

/// `mitto-policy export-traffic` against a `mitto-emulator` process that served real sends, and the round trip that
/// shows simulate and the emulator apply one rule: the live policy replayed on its own recorded traffic refuses
/// exactly the sends the emulator refused.
@Suite("mitto-policy export-traffic: every page of the session records, as simulate reads them")
struct ExportTrafficTests {
    static let policy = """
        limits:
          limit_on_phone:
            buckets:
              - {name: burst, max: 3, interval: 10m}
        """

    static func today(offsetDays: Int = 0) -> String {
        String(ISO8601DateFormatter().string(from: Date().addingTimeInterval(Double(offsetDays) * 86_400)).prefix(10))
    }

    @Test("1,205 sends over two pages: all exported oldest first, and simulate refuses what the emulator refused")
    func roundTrip() async throws {
        try await withTemporaryDirectory { directory in
            let fixture = try EndToEndFixture.start(policy: Self.policy, in: directory)
            #expect(try await fixture.run(["apply", "--env", "test", "--auto-approve"]).status == 0)
            let raw = RawHTTP(
                endpoint: fixture.emulator.endpoint, account: TestAccounts.acme.withKey(EndToEndFixture.apiKey))
            var refused = 0
            var requestIDs: [String] = []
            // 1,200 numbers once each, then one number five times: the fourth and fifth are refused (and recorded).
            let phones =
                (0..<1_200).map { String(format: "+4179%07d", $0) } + Array(repeating: "+41799999999", count: 5)
            for phone in phones {
                let sent = try await raw.send(
                    "POST", "/2fa/send",
                    body: #"{"service":"acme","from":"ACME","to":"\#(phone)","body":"Code {code}","#
                        + #""limits":{"limit_on_phone":"\#(phone)"}}"#)
                if sent.status == 429 {
                    refused += 1
                } else {
                    #expect(sent.status == 200, "\(sent.body)")
                    requestIDs.append(try #require(sent.json["requestID"] as? String))
                }
            }
            #expect(refused == 2)

            let export = try await fixture.run(
                ["export-traffic", "--env", "test", "--since", Self.today(offsetDays: -1), "--out", "traffic.jsonl"])
            #expect(export.status == 0, "\(export.stderr)")
            #expect(export.stderr.contains("Exported 1205 session records"), "\(export.stderr)")
            #expect(export.stderr.contains("in 2 pages"), "\(export.stderr)")
            let lines = try String(contentsOf: directory.appendingPathComponent("traffic.jsonl"), encoding: .utf8)
                .split(separator: "\n")
            #expect(lines.count == 1_205)
            let records = try lines.map {
                try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            }
            #expect(records.map { $0["to"] as? String } == phones)
            #expect(records.filter { $0["status"] as? String == "blocked" }.count == 2)
            #expect(Set(records.compactMap { $0["requestID"] as? String }).isSuperset(of: requestIDs))
            #expect(
                !FileManager.default.fileExists(atPath: directory.appendingPathComponent("traffic.jsonl.partial").path))

            let simulated = try await fixture.run(
                ["simulate", "--env", "test", "--traffic", "traffic.jsonl", "--format", "json", "--detailed-exitcode"])
            #expect(simulated.status == 0, "\(simulated.stderr)")
            let report = try #require(
                try JSONSerialization.jsonObject(with: Data(simulated.stdout.utf8)) as? [String: Any])
            let totals = try #require(report["totals"] as? [String: Int])
            #expect(totals["sends"] == 1_205)
            #expect(totals["refusedBefore"] == 2 && totals["refusedAfter"] == 2 && totals["newlyRefused"] == 0)

            let again = try await fixture.run([
                "export-traffic", "--env", "test", "--since", Self.today(), "--out", "traffic.jsonl",
            ])
            #expect(again.status == 1)
            #expect(
                again.stderr
                    == "mitto-policy: error: traffic.jsonl exists; remove it or choose another --out (nothing was read)\n"
            )
            let badDate = try await fixture.run([
                "export-traffic", "--env", "test", "--since", "yesterday", "--out", "x.jsonl",
            ])
            #expect(badDate.status == 64)
            #expect(badDate.stderr.contains("--since yesterday is not a date (YYYY-MM-DD) or an RFC 3339 time"))
            let later = try await fixture.run(
                [
                    "export-traffic", "--env", "test", "--since", Self.today(), "--until", Self.today(offsetDays: -2),
                    "--out", "x.jsonl",
                ])
            #expect(later.status == 64)
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("x.jsonl").path))
        }
    }
}
