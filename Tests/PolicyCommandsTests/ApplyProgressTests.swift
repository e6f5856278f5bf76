import Foundation
import MittoTestSupport
import Testing

@testable import PolicyCommands

/// The progress line a long apply writes to standard error on a terminal, and only there.
@Suite("mitto-policy apply: a progress line on a terminal")
struct ApplyProgressTests {
    /// A manifest of `count` limits, in `directory/many`.
    private static func manyLimits(_ count: Int, in directory: URL) throws {
        let folder = directory.appendingPathComponent("many")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let limits = (1...count).map {
            "  per_tenant_\($0):\n    buckets:\n      - {name: burst, max: \($0), interval: 10m}\n"
        }
        try ("limits:\n" + limits.joined()).write(
            to: folder.appendingPathComponent("limits.yaml"), atomically: true, encoding: .utf8)
    }

    @Test("12 changes on a terminal: the line counts up to 12/12 on standard error, never on standard output")
    func terminal() async throws {
        try await withTemporaryDirectory { directory in
            try Self.manyLimits(12, in: directory)
            let apply = try await InProcess.run(
                ["apply", "many", "--auto-approve", "--rate", "1000", "--no-color"], in: directory, terminal: true)
            #expect(apply.status == 0, "\(apply.stderr)")
            let lines = apply.stderr.split(separator: "\r").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            let progress = lines.filter { $0.hasPrefix("Applying: ") }
            #expect(progress.count == 12, "one line per finished change: \(progress)")
            #expect(progress.first?.hasPrefix("Applying: 1/12 changes, ") == true)
            #expect(progress.first?.contains("s left") == true, "a line before the end says the time left")
            #expect(progress.last?.hasPrefix("Applying: 12/12 changes, ") == true)
            #expect(progress.last?.contains("left") == false, "the last line has nothing left")
            #expect(apply.stderr.hasSuffix("\n"), "the last line ends, so the report starts on a line of its own")
            #expect(!apply.stdout.contains("Applying:"))
            #expect(apply.stdout.contains("Apply complete: 12 applied"))
        }
    }

    @Test("the same apply piped, and a short apply on a terminal, write no progress line")
    func noTerminal() async throws {
        try await withTemporaryDirectory { directory in
            try Self.manyLimits(12, in: directory)
            let piped = try await InProcess.run(["apply", "many", "--auto-approve", "--rate", "1000"], in: directory)
            #expect(piped.status == 0, "\(piped.stderr)")
            #expect(!piped.stderr.contains("Applying:"))
        }
        try await withTemporaryDirectory { directory in
            try Self.manyLimits(3, in: directory)
            let short = try await InProcess.run(
                ["apply", "many", "--auto-approve", "--no-color"], in: directory, terminal: true)
            #expect(short.status == 0, "\(short.stderr)")
            #expect(short.stdout.contains("Apply complete: 3 applied"), "\(short.stdout)")
            #expect(!short.stderr.contains("Applying:"), "fewer than 10 changes show no progress")
        }
    }

    @Test("the line: done/total, the rate, the time left rounded up, padded to cover a longer line")
    func line() {
        let line = ApplyCommand.progressLine(finished: 120, total: 1000, elapsed: .milliseconds(2500))
        #expect(line.trimmingCharacters(in: .whitespaces) == "Applying: 120/1000 changes, 48.0/s, about 19s left")
        #expect(line.count == 60)
        #expect(
            ApplyCommand.progressLine(finished: 0, total: 10, elapsed: .zero).trimmingCharacters(in: .whitespaces)
                == "Applying: 0/10 changes")
        #expect(
            ApplyCommand.progressLine(finished: 10, total: 10, elapsed: .seconds(2))
                .trimmingCharacters(in: .whitespaces) == "Applying: 10/10 changes, 5.0/s")
    }
}
