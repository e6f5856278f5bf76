import Foundation
import MittoTestSupport
import Testing

/// `--target` and `--exclude` on plan, apply and drift, run in process on the embedded emulator.
@Suite("mitto-policy --target and --exclude: partial plans that say so")
struct TargetingTests {
    @Test("a targeted plan covers only its objects and says it is partial, in text and JSON")
    func partialPlan() async throws {
        try await PlanCommandTests.withQuickstart { directory in
            let targeted = try await InProcess.run(
                ["plan", "quickstart", "--target", "limit.limit_on_phone"], in: directory)
            #expect(targeted.status == 0, "\(targeted.stderr)")
            #expect(targeted.stdout.contains("+ limit.limit_on_phone [tighten]"))
            #expect(!targeted.stdout.contains("workflow.login"))
            #expect(
                targeted.stdout.contains(
                    "Warning: this plan is partial (--target limit.limit_on_phone): objects outside it are neither "
                        + "shown nor changed, so the account may still differ from the manifests."))
            #expect(targeted.stdout.hasSuffix("Partial plan: 1 to create, 0 to update, 0 to delete.\n"))
            let excluded = try await InProcess.run(["plan", "quickstart", "--exclude", "workflow.*"], in: directory)
            #expect(excluded.stdout.contains("+ limit.limit_on_phone") && !excluded.stdout.contains("workflow.login"))
            let json = try await InProcess.run(
                ["plan", "quickstart", "--target", "limit.limit_*", "--format", "json"], in: directory)
            let document = try #require(
                try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            #expect((document["scope"] as? [String: Any])?["targets"] as? [String] == ["limit.limit_*"])
            let markdown = try await InProcess.run(
                ["plan", "quickstart", "--target", "limit.limit_on_phone", "--format", "markdown"], in: directory)
            #expect(markdown.stdout.contains("⚠️ **Partial:** this plan is partial"))
            let whole = try await InProcess.run(["plan", "quickstart", "--format", "json"], in: directory)
            let wholeDocument = try #require(
                try JSONSerialization.jsonObject(with: Data(whole.stdout.utf8)) as? [String: Any])
            #expect(wholeDocument["scope"] == nil)
        }
    }

    @Test("apply --target changes only its objects; drift --target checks only them; a bad address is refused")
    func applyAndDrift() async throws {
        try await PlanCommandTests.withQuickstart { directory in
            let apply = try await InProcess.run(
                ["apply", "quickstart", "--auto-approve", "--target", "limit.limit_on_phone"], in: directory)
            #expect(apply.status == 0, "\(apply.stderr)")
            let rest = try await InProcess.run(["plan", "quickstart"], in: directory)
            #expect(rest.stdout.hasSuffix("Plan: 1 to create, 0 to update, 0 to delete.\n"), "\(rest.stdout)")
            #expect(rest.stdout.contains("+ workflow.login"))
            let drift = try await InProcess.run(["drift", "quickstart", "--target", "limit.*"], in: directory)
            #expect(drift.status == 0, "\(drift.stdout)")
            #expect(drift.stdout.contains("Warning: this drift check is partial (--target limit.*)"))
            #expect(try await InProcess.run(["drift", "quickstart"], in: directory).status == 2)
            let bad = try await InProcess.run(["plan", "quickstart", "--target", "limit_on_phone"], in: directory)
            #expect(bad.status == 64)
            #expect(bad.stderr.contains("'limit_on_phone' is not an address such as limit.NAME or workflow.NAME"))
            let saved = try await InProcess.run(["plan", "quickstart", "-out", "p.plan"], in: directory)
            #expect(saved.status == 0)
            let savedTargeted = try await InProcess.run(["apply", "p.plan", "--target", "limit.x"], in: directory)
            #expect(savedTargeted.status == 1)
            #expect(savedTargeted.stderr.contains("a saved plan is applied as it was made"))
        }
    }
}

/// `apply --format json`: the report on standard output, the plan on standard error.
@Suite("mitto-policy apply --format json")
struct ApplyJSONTests {
    @Test("one result per change with the plan's addresses, totals, and the plan on standard error; then no changes")
    func json() async throws {
        try await PlanCommandTests.withQuickstart { directory in
            let apply = try await InProcess.run(
                ["apply", "quickstart", "--auto-approve", "--format", "json"], in: directory)
            #expect(apply.status == 0, "\(apply.stderr)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(apply.stdout.utf8)) as? [String: Any])
            let results = try #require(report["results"] as? [[String: Any]])
            #expect(results.map { $0["address"] as? String } == ["limit.limit_on_phone", "workflow.login"])
            #expect(results.allSatisfy { $0["status"] as? String == "applied" })
            #expect((report["summary"] as? [String: Int])?["applied"] == 2)
            #expect(apply.stderr.contains("Plan: 2 to create, 0 to update, 0 to delete."))
            #expect(!apply.stderr.contains("Applying:"), "no progress line when standard error is not a terminal")
            let again = try await InProcess.run(
                ["apply", "quickstart", "--auto-approve", "--format", "json"], in: directory)
            #expect(again.status == 0)
            let empty = try #require(try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])
            #expect((empty["results"] as? [Any])?.isEmpty == true)
        }
    }
}
