import Foundation
import MittoTestSupport
import Testing

@Suite("mitto-policy validate and schema, as a user runs them")
struct ValidateCommandTests {
    static let golden = GoldenFiles()

    static func expectGolden(_ actual: String, _ name: String) throws {
        let expected = try golden.expected(name, actual: actual)
        #expect(expected != nil, "missing golden file \(name): run with RECORD_GOLDEN=1")
        #expect(actual == expected, "output differs from Golden/\(name)")
    }

    @Test("every example is valid: exit 0 and a summary line")
    func examples() async throws {
        for example in ["examples/quickstart", "examples/consumer-app", "examples/two-environments"] {
            let result = try await InProcess.run(["validate", example])
            #expect(result.status == 0, "\(example): \(result.stdout)")
            #expect(result.stdout.contains(" valid: "), "\(result.stdout)")
        }
        let quickstart = try await InProcess.run(["validate", "examples/quickstart"])
        #expect(quickstart.stdout == "1 file is valid: 1 limit, 1 workflow.\n")
    }

    @Test("broken manifests: every problem with its line, a caret and hints; exit 1")
    func brokenText() async throws {
        let result = try await InProcess.run(["validate", "Tests/PolicyCommandsTests/Fixtures/broken"])
        #expect(result.status == 1)
        try Self.expectGolden(result.stdout, "validate-broken.txt")
        #expect(result.stderr.isEmpty)
    }

    @Test("broken manifests as JSON, for tools")
    func brokenJSON() async throws {
        let result = try await InProcess.run(
            ["validate", "--format", "json", "Tests/PolicyCommandsTests/Fixtures/broken"]
        )
        #expect(result.status == 1)
        try Self.expectGolden(result.stdout, "validate-broken.json")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["formatVersion"] as? Int == 1)
        #expect(json["valid"] as? Bool == false)
    }

    @Test("an environment's variables fill the manifests; an unknown environment is an error")
    func environments() async throws {
        let staging = try await InProcess.run(["validate", "--env", "staging", "examples/two-environments"])
        #expect(staging.status == 0, "\(staging.stdout)")
        let unknown = try await InProcess.run(["validate", "--env", "qa", "examples/two-environments"])
        #expect(unknown.status == 1)
        #expect(
            unknown.stdout.contains(
                "error: environment 'qa' is not defined in examples/two-environments/mitto-policy.yaml"))
        #expect(unknown.stdout.contains("hint: defined: local, staging, production"))
    }

    @Test("colour only on a terminal: NO_COLOR, TERM=dumb and --no-color give plain text")
    func noColor() async throws {
        let broken = "Tests/PolicyCommandsTests/Fixtures/broken"
        let terminal = try await InProcess.run(["validate", broken], environment: ["TERM": "xterm"], terminal: true)
        #expect(terminal.stdout.contains("\u{1B}["))
        let piped = try await InProcess.run(["validate", broken], environment: ["TERM": "xterm"])
        #expect(!piped.stdout.contains("\u{1B}["))
        for (arguments, environment) in [
            (["--no-color"], ["TERM": "xterm"]), ([], ["TERM": "xterm", "NO_COLOR": "1"]), ([], ["TERM": "dumb"]),
        ] {
            let plain = try await InProcess.run(
                ["validate"] + arguments + [broken], environment: environment, terminal: true)
            #expect(!plain.stdout.contains("\u{1B}["), "\(arguments) \(environment)")
            #expect(plain.stdout == piped.stdout)
        }
    }

    @Test("schema prints the files in schemas/")
    func schema() async throws {
        for name in ["manifest", "project", "plan"] {
            let result = try await InProcess.run(["schema", name])
            #expect(result.status == 0)
            let file = CommandRunner.packageRoot.appendingPathComponent("schemas/\(name).schema.json")
            #expect(result.stdout == (try String(contentsOf: file, encoding: .utf8)))
        }
        let unknown = try await InProcess.run(["schema", "limits"])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("unknown schema 'limits'"))
        #expect(unknown.stderr.contains("choose manifest, project or plan"))
    }
}
