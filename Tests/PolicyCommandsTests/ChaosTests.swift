import Foundation
import MittoTestSupport
import Testing

/// `scripts/chaos` in reduced form: apply through a proxy failing a fifth of the requests in every way converges, and
/// nothing is duplicated or lost.
@Suite("Chaos: apply converges under faults (scripts/chaos)")
struct ChaosTests {
    /// How the script exited and what it printed.
    struct ScriptResult {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The figure lines the script prints, each `label: value`.
    static let figures = [
        "requests sent", "retries", "faults injected", "runs needed", "duplicates", "lost changes",
        "undeclared objects", "renames that lost their sid", "blind repeats", "plan afterwards", "drift afterwards",
    ]

    @Test("60 changes under 20% faults: converges within 8 runs, no duplicate, no lost change, no blind repeat")
    func reducedRun() throws {
        let result = try Self.runScript([
            "--changes", "60", "--max-runs", "8", "--seed", "7", "--fault-rate", "0.2", "--timeout", "900",
            "--bin-dir", BuiltProducts.directory.path,
        ])
        let report = "stdout:\n\(result.stdout)\nstderr:\n\(result.stderr)"
        #expect(result.status == 0, "\(report)")
        let values = Self.parseFigures(result.stdout)
        for label in Self.figures {
            #expect(values[label] != nil, "no '\(label):' line\n\(report)")
        }
        #expect(values["duplicates"] == "0", "\(report)")
        #expect(values["lost changes"] == "0", "\(report)")
        #expect(values["undeclared objects"] == "0", "\(report)")
        #expect(values["renames that lost their sid"] == "0 of 12", "\(report)")
        #expect(values["blind repeats"] == "0", "\(report)")
        #expect(values["plan afterwards"] == "exit 0", "\(report)")
        #expect(values["drift afterwards"] == "exit 0", "\(report)")
        let runs = Int(values["runs needed"] ?? "")
        #expect(runs.map { (1...8).contains($0) } == true, "\(report)")
        // The faults really happened: a share of about 130 requests, each of the five kinds drawn.
        let faults = Int(values["faults injected"]?.split(separator: " ").first ?? "") ?? 0
        #expect(faults > 0, "\(report)")
        #expect(result.stdout.contains("the plan has 60 changes, 12 of them renames"), "\(report)")
        #expect(result.stdout.hasSuffix("chaos: converged; nothing duplicated or lost\n"), "\(report)")
    }

    @Test("bad arguments are refused before anything starts")
    func badArguments() throws {
        let result = try Self.runScript(["--changes", "many"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--changes must be a whole number"))
    }

    /// `label: value` lines, with the label's padding removed.
    static func parseFigures(_ text: String) -> [String: String] {
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let label = String(line[..<colon])
            guard figures.contains(label) else { continue }
            values[label] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return values
    }

    /// Runs `scripts/chaos` with `arguments` and waits for it; the script bounds itself with `--timeout`.
    static func runScript(_ arguments: [String]) throws -> ScriptResult {
        let script = CommandRunner.packageRoot.appendingPathComponent("scripts/chaos")
        let result = try CommandRunner.start(
            ["bash", script.path] + arguments, executable: URL(fileURLWithPath: "/usr/bin/env")
        ).wait()
        return ScriptResult(status: result.status, stdout: result.stdout, stderr: result.stderr)
    }
}
