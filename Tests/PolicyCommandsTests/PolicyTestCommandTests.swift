import Foundation
import MittoTestSupport
import Testing

/// `mitto-policy test`, the tests `plan` and `apply` run first, and the checks `validate` makes of policies and
/// their tests; the real binary on the fixtures under `Fixtures/policy-tests` and on every example.
@Suite("mitto-policy test: policy tests in manifests, run offline and before plan and apply")
struct PolicyTestCommandTests {
    static let golden = GoldenFiles()
    static let fixtures = "Tests/PolicyCommandsTests/Fixtures/policy-tests"

    static func expectGolden(_ actual: String, _ name: String) throws {
        let expected = try golden.expected(name, actual: actual)
        #expect(expected != nil, "missing golden file \(name): run with RECORD_GOLDEN=1")
        #expect(actual == expected, "output differs from Golden/\(name)")
    }

    /// A fresh folder holding a copy of the failing fixture as `policy/`.
    static func withFailingPolicy(_ body: (URL) async throws -> Void) async throws {
        try await withTemporaryDirectory { directory in
            try FileManager.default.copyItem(
                at: CommandRunner.packageRoot.appendingPathComponent("\(fixtures)/failing"),
                to: directory.appendingPathComponent("policy"))
            try await body(directory)
        }
    }

    @Test("failing tests: each failure at its file:line with expected and actual, exit 1, in text and JSON")
    func failing() async throws {
        for (format, file) in [("text", "test-failing.txt"), ("json", "test-failing.json")] {
            let result = try await InProcess.run(["test", "\(Self.fixtures)/failing", "--format", format])
            #expect(result.status == 1, "\(result.stderr)")
            #expect(result.stderr.isEmpty, "\(result.stderr)")
            try Self.expectGolden(result.stdout, file)
        }
    }

    @Test(
        "every example's tests pass, and its README shows mitto-policy test",
        arguments: [
            ("examples/quickstart", [String]()), ("examples/consumer-app", ["policy"]),
            ("examples/two-environments", []),
        ])
    func examples(folder: String, paths: [String]) async throws {
        let directory = CommandRunner.packageRoot.appendingPathComponent(folder)
        let result = try await InProcess.run(["test"] + paths, in: directory)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains(" passed, 0 failed."), "\(result.stdout)")
        #expect(!result.stdout.contains("Tests: none declared."))
        let readme = try String(contentsOf: directory.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains("mitto-policy test"), "\(folder)/README.md does not show mitto-policy test")
    }

    @Test("plan and apply refuse a policy whose tests fail; --skip-tests goes on and says so")
    func gate() async throws {
        try await Self.withFailingPolicy { directory in
            let plan = try await InProcess.run(["plan", "policy"], in: directory)
            #expect(plan.status == 1)
            #expect(plan.stdout.isEmpty, "\(plan.stdout)")
            #expect(plan.stderr.contains("FAIL burst_is_off_by_one (3 sends)"), "\(plan.stderr)")
            #expect(
                plan.stderr.hasSuffix(
                    "mitto-policy: error: 3 of 4 policy tests failed; the account was only read, and nothing was "
                        + "changed (mitto-policy test shows them all; --skip-tests goes on without them)\n"),
                "\(plan.stderr)")
            let apply = try await InProcess.run(["apply", "policy", "--auto-approve"], in: directory)
            #expect(apply.status == 1)
            #expect(apply.stderr.contains("3 of 4 policy tests failed; nothing was sent to the API"), "\(apply.stderr)")
            let skipped = try await InProcess.run(["plan", "policy", "--skip-tests"], in: directory)
            #expect(skipped.status == 0, "\(skipped.stderr)")
            #expect(skipped.stderr.contains("Policy tests skipped (--skip-tests): 4 tests not run."))
            // The refused apply changed nothing: the plan still creates both objects.
            #expect(skipped.stdout.hasSuffix("Plan: 2 to create, 0 to update, 0 to delete.\n"), "\(skipped.stdout)")
        }
        try await withTemporaryDirectory { directory in
            try FileManager.default.copyItem(
                at: CommandRunner.packageRoot.appendingPathComponent("examples/quickstart"),
                to: directory.appendingPathComponent("quickstart"))
            let plan = try await InProcess.run(["plan", "quickstart"], in: directory)
            #expect(plan.status == 0, "\(plan.stderr)")
            #expect(plan.stderr.contains("Policy tests: 3 passed."), "\(plan.stderr)")
        }
    }

    @Test("validate: tests naming what is not declared are errors; buckets that never refuse and copies are warned")
    func validate() async throws {
        let result = try await InProcess.run(["validate", "\(Self.fixtures)/warnings"])
        #expect(result.status == 1)
        try Self.expectGolden(result.stdout, "validate-policy-warnings.txt")
    }
}
