import Foundation
import MittoTestSupport
import Testing

/// `scripts/bench --quick`: runs against the suite's built binaries and prints every figure. Nothing is timed here;
/// only the presence of each number is checked.
@Suite("scripts/bench prints every figure")
struct BenchScriptTests {
    /// The numbers of each size's entry, by command.
    static let sizeFigures: [String: [String]] = [
        "validate": ["wallMs", "rssMB"],
        "plan": [
            "wallMs", "rssMB", "liveReadMs", "requests", "listRequests", "beforeReadMs", "afterReadMs", "pageMsMax",
        ],
        "drift": ["wallMs", "rssMB"],
        "export": ["wallMs", "rssMB"],
    ]
    /// The numbers of each apply row.
    static let applyFigures = ["parallelism", "wallMs", "idealMs", "ratio", "writeSpanMs", "rssMB", "applied"]
    /// The numbers of each emulator throughput row.
    static let emulatorFigures = [
        "clients", "pairs", "pairsPerSecond", "pairP50Ms", "pairP99Ms", "requestP50Ms", "requestP99Ms", "errors",
        "rssBeforeMB", "rssAfterMB", "clientCpuShare", "emulatorCpuUsPerPair",
    ]
    /// The numbers of the simulate entry.
    static let simulateFigures = [
        "events", "limits", "wallMs", "planWallMs", "replayMs", "rssMB", "sends", "refusedBefore", "refusedAfter",
        "trafficBytes",
    ]

    @Test("--quick --json: every figure of every size, apply parallelism, simulate and emulator row is a number")
    func quickRun() throws {
        let result = try Self.runScript(["--quick", "--json", "--timeout", "120"])
        let report = "status \(result.status)\nstdout:\n\(result.stdout)\nstderr:\n\(result.stderr)"
        try #require(result.status == 0, "\(report)")
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
        let document = try #require(json as? [String: Any], "\(report)")

        let sizes = try #require(document["sizes"] as? [[String: Any]], "\(report)")
        #expect(sizes.count == 1, "\(report)")
        for size in sizes {
            for key in [
                "n", "declared", "live", "changed", "missing", "unmanaged", "manifestBytes", "seedSeconds",
                "libyamlParseMs", "validateOverLibyaml", "driftOverPlan", "exportOverPlan",
            ] {
                #expect(Self.isNumber(size[key]), "sizes[].\(key)\n\(report)")
            }
            #expect(size["shapeOk"] as? Bool == true, "\(report)")
            for (command, keys) in Self.sizeFigures {
                let figures = size[command] as? [String: Any]
                for key in keys {
                    #expect(Self.isNumber(figures?[key]), "sizes[].\(command).\(key)\n\(report)")
                }
            }
        }

        let apply = document["apply"] as? [String: Any]
        let applyRows = apply?["results"] as? [[String: Any]] ?? []
        for key in ["creates", "delayMs", "rate"] { #expect(Self.isNumber(apply?[key]), "apply.\(key)\n\(report)") }
        #expect(applyRows.compactMap { $0["parallelism"] as? Int } == [1, 4, 16], "\(report)")
        for row in applyRows {
            for key in Self.applyFigures { #expect(Self.isNumber(row[key]), "apply.\(key)\n\(report)") }
        }

        let simulate = document["simulate"] as? [String: Any]
        for key in Self.simulateFigures { #expect(Self.isNumber(simulate?[key]), "simulate.\(key)\n\(report)") }
        #expect(simulate?["sends"] as? Int == simulate?["events"] as? Int, "simulate replayed every send\n\(report)")

        let emulator = document["emulator"] as? [String: Any]
        let emulatorRows = emulator?["results"] as? [[String: Any]] ?? []
        #expect(Self.isNumber(emulator?["seconds"]), "emulator.seconds\n\(report)")
        #expect(
            emulatorRows.map { "\($0["storage"] ?? "")/\($0["clients"] ?? "")" } == [
                "in-memory/8", "in-memory/32", "database/8", "database/32",
            ], "\(report)")
        for row in emulatorRows {
            for key in Self.emulatorFigures { #expect(Self.isNumber(row[key]), "emulator.\(key)\n\(report)") }
        }
        let memoryRows = emulator?["memory"] as? [[String: Any]] ?? []
        #expect(memoryRows.count == 2, "emulator.memory\n\(report)")
        for row in memoryRows {
            for key in ["pairs", "rssBeforeMB", "rssAfterMB", "rssGrowthMB", "bytesPerPair"] {
                #expect(Self.isNumber(row[key]), "emulator.memory[].\(key)\n\(report)")
            }
        }
        let searches = (emulator?["sessionSearch"] as? [String: Any])?["results"] as? [[String: Any]] ?? []
        #expect(!searches.isEmpty, "emulator.sessionSearch\n\(report)")
        for row in searches { #expect(Self.isNumber(row["ms"]), "emulator.sessionSearch[].ms\n\(report)") }
    }

    @Test("the table names every part")
    func quickTable() throws {
        let result = try Self.runScript(["--quick", "--timeout", "120", "--skip-emulator", "--apply-creates", "10"])
        let report = "status \(result.status)\nstdout:\n\(result.stdout)\nstderr:\n\(result.stderr)"
        #expect(result.status == 0, "\(report)")
        for heading in [
            "validate", "libyaml parse", "plan wall", "live read", "list req", "drift/plan", "Apply of 10 creates",
            "ratio", "Simulate:",
        ] {
            #expect(result.stdout.contains(heading), "no '\(heading)'\n\(report)")
        }
    }

    @Test("bad arguments are refused before anything starts")
    func badArguments() throws {
        let result = try Self.runScript(["--sizes", "many"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--sizes must be whole numbers"))
    }

    /// A JSON number (not null, not text).
    static func isNumber(_ value: Any?) -> Bool {
        value is NSNumber && (value as? NSNumber)?.doubleValue.isFinite == true
    }

    /// Runs `scripts/bench` with the suite's binaries and waits; the script bounds itself with `--timeout`.
    static func runScript(_ arguments: [String]) throws -> CommandResult {
        let script = CommandRunner.packageRoot.appendingPathComponent("scripts/bench")
        return try CommandRunner.start(
            ["bash", script.path] + arguments + ["--bin-dir", BuiltProducts.directory.path],
            executable: URL(fileURLWithPath: "/usr/bin/env")
        ).wait()
    }
}
