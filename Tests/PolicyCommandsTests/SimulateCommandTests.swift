import Foundation
import MittoTestSupport
import Testing

/// `mitto-policy simulate` and `plan --traffic` on the recorded sample in `Fixtures/simulate`, whose outcome under
/// both policies `reference.py` computed on its own (`expected.json`); run against the embedded emulator holding the
/// live policy, as a user would.
@Suite("mitto-policy simulate: recorded traffic through the live limits and the planned ones")
struct SimulateCommandTests {
    static let golden = GoldenFiles()
    static let fixture = CommandRunner.packageRoot.appendingPathComponent("Tests/PolicyCommandsTests/Fixtures/simulate")

    /// A folder holding the fixture, whose embedded emulator has the live policy applied.
    static func withLiveAccount(_ body: (URL) async throws -> Void) async throws {
        try await withTemporaryDirectory { directory in
            for name in ["live", "desired", "traffic.jsonl", "traffic.csv", "traffic-page.json"] {
                try FileManager.default.copyItem(
                    at: fixture.appendingPathComponent(name), to: directory.appendingPathComponent(name))
            }
            let apply = try await InProcess.run(["apply", "live", "--auto-approve"], in: directory)
            try #require(apply.status == 0, "\(apply.stderr)")
            try await body(directory)
        }
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    static func expectGolden(_ actual: String, _ name: String) throws {
        let expected = try golden.expected(name, actual: actual)
        #expect(expected != nil, "missing golden file \(name): run with RECORD_GOLDEN=1")
        #expect(actual == expected, "output differs from Golden/\(name)")
    }

    @Test("every figure matches the independent reference: refusals per limit and bucket, keys, first sends, peaks")
    func matchesReference() async throws {
        let expected = try Self.json(
            String(contentsOf: Self.fixture.appendingPathComponent("expected.json"), encoding: .utf8))
        try await Self.withLiveAccount { directory in
            let result = try await InProcess.run(
                [
                    "simulate", "desired", "--traffic", "traffic.jsonl", "--allow-delete", "--show-keys", "--format",
                    "json",
                ],
                in: directory)
            #expect(result.status == 0, "\(result.stderr)")
            let report = try Self.json(result.stdout)
            let live = try #require(expected["live"] as? [String: Any])
            let desired = try #require(expected["desired"] as? [String: Any])
            let totals = try #require(report["totals"] as? [String: Int])
            #expect(totals["sends"] == expected["events"] as? Int)
            #expect(totals["refusedBefore"] == live["refused"] as? Int)
            #expect(totals["refusedAfter"] == desired["refused"] as? Int)
            // limit_on_email is deleted (--allow-delete) and still named: the API would refuse those sends.
            #expect(totals["namingRemovedLimits"] == 183)
            #expect(report["removedLimitsNamed"] as? [String] == ["limit_on_email"])
            let changes = try #require(expected["changes"] as? [String: [String: Any]])
            #expect(totals["newlyRefused"] == changes.values.reduce(0) { $0 + ($1["newlyRefusedSends"] as! Int) })
            #expect(totals["noLongerRefused"] == changes.values.reduce(0) { $0 + ($1["noLongerRefusedSends"] as! Int) })

            let liveByLimit = try #require(live["byLimit"] as? [String: [String: Any]])
            let desiredByLimit = try #require(desired["byLimit"] as? [String: [String: Any]])
            let busiest = try #require(expected["busiest"] as? [String: [[String: Any]]])
            let limits = try #require(report["limits"] as? [[String: Any]])
            #expect(
                limits.map { $0["name"] as! String } == [
                    "limit_on_email", "limit_on_ip", "limit_on_phone", "limit_on_tenant",
                ])
            for limit in limits {
                let name = limit["name"] as! String
                let liveName = limit["previousName"] as? String ?? name
                let status = limit["status"] as! String
                let before = status == "added" ? nil : try #require(liveByLimit[liveName])
                let after = status == "removed" ? nil : try #require(desiredByLimit[name])
                #expect(limit["refusedBefore"] as? Int == (before?["refused"] as? Int ?? 0), "\(name)")
                #expect(limit["refusedAfter"] as? Int == (after?["refused"] as? Int ?? 0), "\(name)")
                for bucket in limit["buckets"] as! [[String: Any]] {
                    let bucketName = bucket["name"] as! String
                    let beforeCount = (before?["byBucket"] as? [String: Int])?[bucketName] ?? 0
                    let afterCount = (after?["byBucket"] as? [String: Int])?[bucketName] ?? 0
                    #expect(bucket["refusedBefore"] as? Int == beforeCount, "\(name).\(bucketName)")
                    #expect(bucket["refusedAfter"] as? Int == afterCount, "\(name).\(bucketName)")
                }
                // The reference keys its changes by the name the traffic uses: the live name.
                let change = try #require(changes[liveName])
                #expect(limit["newlyRefused"] as? Int == change["newlyRefusedSends"] as? Int, "\(name)")
                #expect(limit["noLongerRefused"] as? Int == change["noLongerRefusedSends"] as? Int, "\(name)")
                for (field, reference) in [
                    ("newlyRefusedKeys", "firstNewlyRefused"), ("noLongerRefusedKeys", "firstNoLongerRefused"),
                ] {
                    let keys = limit[field] as! [[String: Any]]
                    let first = Dictionary(
                        uniqueKeysWithValues: keys.map { ($0["key"] as! String, $0["at"] as! String) })
                    #expect(first == change[reference] as? [String: String], "\(name) \(field)")
                }
                if let expectedBusiest = busiest[name] {
                    let actual = (limit["busiestKeys"] as! [[String: Any]]).map { key in
                        [key["key"] as! String: (key["buckets"] as! [[String: Any]]).map { $0["peak"] as! Int }]
                    }
                    let reference = expectedBusiest.map { [$0["key"] as! String: $0["peaks"] as! [Int]] }
                    #expect(actual == reference, "\(name) busiest keys")
                }
            }
        }
    }

    @Test("the CSV form and a saved search page replay as the same sends do in JSON lines")
    func otherForms() async throws {
        try await Self.withLiveAccount { directory in
            func totals(_ file: String) async throws -> [String: Int] {
                let result = try await InProcess.run(
                    ["simulate", "desired", "--traffic", file, "--allow-delete", "--format", "json"], in: directory)
                #expect(result.status == 0, "\(result.stderr)")
                return try #require(try Self.json(result.stdout)["totals"] as? [String: Int])
            }
            let jsonLines = try await totals("traffic.jsonl")
            #expect(try await totals("traffic.csv") == jsonLines)
            // The page holds the first 200 records of the JSON lines.
            let lines = try String(contentsOf: directory.appendingPathComponent("traffic.jsonl"), encoding: .utf8)
                .split(separator: "\n").prefix(200).joined(separator: "\n")
            try lines.write(to: directory.appendingPathComponent("first-200.jsonl"), atomically: true, encoding: .utf8)
            let page = try await totals("traffic-page.json")
            #expect(page["sends"] == 200)
            #expect(page == (try await totals("first-200.jsonl")))
        }
    }

    @Test("text and Markdown: golden, with every key masked; --detailed-exitcode is 2 when more is refused")
    func formats() async throws {
        try await Self.withLiveAccount { directory in
            let traffic = try String(contentsOf: directory.appendingPathComponent("traffic.jsonl"), encoding: .utf8)
            let keys = Set(
                traffic.split(separator: "\n").flatMap { line -> [String] in
                    let record = try! JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
                    return Array((record["limits"] as! [String: String]).values)
                })
            for (format, file) in [("text", "simulate-sample.txt"), ("markdown", "simulate-sample.md")] {
                let result = try await InProcess.run(
                    [
                        "simulate", "desired", "--traffic", "traffic.jsonl", "--allow-delete", "--format", format,
                        "--detailed-exitcode",
                    ], in: directory)
                #expect(result.status == 2, "\(result.stderr)")
                try Self.expectGolden(result.stdout, file)
                let shown = keys.filter { result.stdout.contains($0) }
                #expect(shown.isEmpty, "unmasked keys in \(format): \(shown.sorted().prefix(5))")
            }
            let json = try await InProcess.run(
                ["simulate", "desired", "--traffic", "traffic.jsonl", "--allow-delete", "--format", "json"],
                in: directory)
            #expect(keys.filter { json.stdout.contains("\"\($0)\"") }.isEmpty)
        }
    }

    @Test("plan --traffic appends the simulation to the plan in every format")
    func planWithTraffic() async throws {
        try await Self.withLiveAccount { directory in
            let text = try await InProcess.run(["plan", "desired", "--traffic", "traffic.jsonl"], in: directory)
            #expect(text.status == 0, "\(text.stderr)")
            let planEnd = try #require(text.stdout.range(of: "Plan: 0 to create, 3 to update, 0 to delete."))
            let simulation = try #require(text.stdout.range(of: "Simulated 3,000 sends from traffic.jsonl"))
            #expect(planEnd.upperBound < simulation.lowerBound)
            let markdown = try await InProcess.run(
                ["plan", "desired", "--traffic", "traffic.jsonl", "--format", "markdown"], in: directory)
            #expect(markdown.stdout.hasPrefix("<!-- mitto-policy plan: environment=local -->"))
            #expect(markdown.stdout.contains("\n---\n\n**Simulated on recorded traffic:** 3,000 sends"))
            let json = try Self.json(
                try await InProcess.run(
                    ["plan", "desired", "--traffic", "traffic.jsonl", "--format", "json"], in: directory
                )
                .stdout)
            let report = try #require(json["simulation"] as? [String: Any])
            #expect(report["kind"] as? String == "simulation")
            #expect((json["summary"] as? [String: Int])?["update"] == 3)
        }
    }

    @Test("a malformed traffic line is an error naming it, before anything is read from the account")
    func malformed() async throws {
        try await withTemporaryDirectory { directory in
            try FileManager.default.copyItem(
                at: Self.fixture.appendingPathComponent("desired"), to: directory.appendingPathComponent("desired"))
            try "{\"dateCreated\":\"2026-11-20T08:00:00Z\",\"limits\":{}}\n{\"dateCreated\":\n".write(
                to: directory.appendingPathComponent("bad.jsonl"), atomically: true, encoding: .utf8)
            let result = try await InProcess.run(["simulate", "desired", "--traffic", "bad.jsonl"], in: directory)
            #expect(result.status == 1)
            #expect(result.stdout.isEmpty)
            #expect(
                result.stderr
                    == "mitto-policy: error: bad.jsonl:2: not a JSON record (column 16): expected a string; "
                    + "nothing was sent to the API\n")
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent(".mitto-policy").path))
            let missing = try await InProcess.run(["simulate", "desired"], in: directory)
            #expect(missing.status == 64)
            #expect(missing.stderr.contains("Missing expected argument '--traffic <file>'"))
        }
    }
}
