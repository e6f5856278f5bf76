import Foundation
import MittoTestSupport
import Testing

/// What `plan`, `apply` and `drift` print, pinned in golden files; runs against the embedded emulator in a fresh
/// folder, so the output has no random sids.
@Suite("mitto-policy plan, apply and drift output")
struct PlanCommandTests {
    static let golden = GoldenFiles()

    static func expectGolden(_ actual: String, _ name: String) throws {
        let expected = try golden.expected(name, actual: actual)
        #expect(expected != nil, "missing golden file \(name): run with RECORD_GOLDEN=1")
        #expect(actual == expected, "output differs from Golden/\(name)")
    }

    /// A fresh folder holding a copy of `examples/quickstart` as `quickstart/`.
    static func withQuickstart(_ body: (URL) async throws -> Void) async throws {
        try await withTemporaryDirectory { directory in
            try FileManager.default.copyItem(
                at: CommandRunner.packageRoot.appendingPathComponent("examples/quickstart"),
                to: directory.appendingPathComponent("quickstart")
            )
            try await body(directory)
        }
    }

    @Test("plan in text, JSON and Markdown")
    func planFormats() async throws {
        try await Self.withQuickstart { directory in
            for (format, file) in [
                ("text", "plan-quickstart.txt"), ("json", "plan-quickstart.json"), ("markdown", "plan-quickstart.md"),
            ] {
                let result = try await InProcess.run(["plan", "quickstart", "--format", format], in: directory)
                #expect(result.status == 0, "\(result.stderr)")
                // The JSON names the embedded emulator's state folder, which is under the temporary folder.
                try Self.expectGolden(result.stdout.replacingOccurrences(of: directory.path, with: "<folder>"), file)
            }
        }
    }

    @Test("apply output, then drift in sync")
    func applyAndDrift() async throws {
        try await Self.withQuickstart { directory in
            let apply = try await InProcess.run(["apply", "quickstart", "--auto-approve"], in: directory)
            #expect(apply.status == 0)
            let sidFree = apply.stdout.replacingOccurrences(
                of: #"\((LM|WF)[0-9a-f]{32}\)"#, with: "($1…)", options: .regularExpression
            )
            try Self.expectGolden(sidFree, "apply-quickstart.txt")
            let drift = try await InProcess.run(["drift", "quickstart"], in: directory)
            #expect(drift.status == 0)
            try Self.expectGolden(drift.stdout, "drift-quickstart.txt")
        }
    }

    @Test(
        "plan and drift read the account while the manifests load, and a broken manifest shows only its own errors",
        arguments: ["plan", "drift"])
    func brokenManifestWhileReading(command: String) async throws {
        try await withTemporaryDirectory { directory in
            // An endpoint nothing listens on: the read fails (after retries) unless it is cancelled first.
            let project = """
                manifests: [policy]
                environments:
                  dead:
                    endpoint: http://127.0.0.1:9
                    accountSid: AC00000000000000000000000000000001
                    apiKey: ${env:DEAD_KEY}
                """
            try FileManager.default.createDirectory(
                at: directory.appendingPathComponent("policy"), withIntermediateDirectories: true)
            try project.write(
                to: directory.appendingPathComponent("mitto-policy.yaml"), atomically: true, encoding: .utf8)
            try "limits:\n  limit_a:\n    buckets: [{name: burst, max: 0, interval: 10m}]\n".write(
                to: directory.appendingPathComponent("policy/policy.yaml"), atomically: true, encoding: .utf8)
            let result = try await InProcess.run(
                [command, "--env", "dead"], in: directory, environment: ["DEAD_KEY": "dead-key-0123456789"])
            #expect(result.status == 1)
            #expect(result.stderr.contains("policy/policy.yaml:3:34: error: buckets[0].max must be between 1 and"))
            #expect(
                result.stderr.contains("the manifests have 1 error; the account was only read, and nothing was changed")
            )
            #expect(!result.stderr.contains("127.0.0.1:9"), "the read's failure is not shown: \(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
    }

    @Test("the help text lists every command")
    func help() throws {
        let result = try CommandRunner.run(["--help"])
        #expect(result.status == 0)
        try Self.expectGolden(result.stdout, "help.txt")
    }
}
