import Foundation
import MittoTestSupport
import PolicyModel
import Testing

/// `mitto-policy import` against a `mitto-emulator` process: objects made by hand are adopted piece by piece.
@Suite("mitto-policy import: live objects into a manifest")
struct ImportCommandTests {
    @Test("import writes a new file or appends a document; the next plan shows no change; bad addresses write nothing")
    func adopt() async throws {
        try await withTemporaryDirectory { directory in
            let fixture = try EndToEndFixture.start(policy: EndToEndFixture.quickstart, in: directory)
            #expect(try await fixture.run(["apply", "--env", "test", "--auto-approve"]).status == 0)
            try await fixture.withAPI { api in
                _ = try await api.createLimit(
                    Limit(
                        name: "stray", description: "made in the console",
                        buckets: [.init(name: "b", max: 4, interval: 600)]))
                _ = try await api.createLimit(
                    Limit(name: "stray_ip", buckets: [.init(name: "m", max: 9, interval: 60)]))
            }
            let before = try await fixture.run(["plan", "--env", "test"])
            #expect(before.stdout.contains("? limit.stray "))

            let printed = try await fixture.run(["import", "--env", "test", "limit.stray"])
            #expect(printed.status == 0, "\(printed.stderr)")
            #expect(printed.stdout.contains("stray:\n    description: made in the console"), "\(printed.stdout)")

            let created = try await fixture.run([
                "import", "--env", "test", "limit.stray", "--to", "policy/imported.yaml",
            ])
            #expect(created.status == 0, "\(created.stderr)")
            #expect(created.stderr == "Imported limit.stray into policy/imported.yaml.\n")
            let appended = try await fixture.run([
                "import", "--env", "test", "limit.stray_ip", "--to", "policy/policy.yaml",
            ])
            #expect(appended.status == 0, "\(appended.stderr)")
            let text = try String(contentsOf: directory.appendingPathComponent("policy/policy.yaml"), encoding: .utf8)
            #expect(text.hasPrefix(EndToEndFixture.quickstart), "the file's own text is kept")
            #expect(text.contains("\n---\nlimits:\n  stray_ip:"))

            let after = try await fixture.run(["plan", "--env", "test", "--detailed-exitcode"])
            #expect(after.status == 0, "\(after.stdout)\(after.stderr)")
            #expect(after.stdout.hasSuffix("No changes. The account matches the manifests.\n"), "\(after.stdout)")

            let twice = try await fixture.run(["import", "--env", "test", "limit.stray", "--to", "policy/more.yaml"])
            #expect(twice.status == 1)
            #expect(twice.stderr.contains("already declared, so not imported: limit.stray (declared at "))
            let absent = try await fixture.run([
                "import", "--env", "test", "workflow.nothing", "--to", "policy/more.yaml",
            ])
            #expect(absent.status == 1)
            #expect(absent.stderr.contains("not in the account of environment 'test': workflow.nothing"))
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("policy/more.yaml").path))
            let bad = try await fixture.run(["import", "--env", "test", "stray"])
            #expect(bad.status == 64)
        }
    }
}
