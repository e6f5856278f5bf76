import Foundation
import PolicyApplier
import PolicyModel
import PolicyRendering
import Testing

@Suite("Apply report renderers: what an apply did, as text and JSON")
struct ApplyReportRendererTests {
    @Test("text, plain and coloured, matches its golden files")
    func textGolden() throws {
        try Golden.expect(ApplyReportTextRenderer().render(Fixtures.completeApply), "apply-complete.txt")
        try Golden.expect(ApplyReportTextRenderer().render(Fixtures.incompleteApply), "apply-incomplete.txt")
        try Golden.expect(
            ApplyReportTextRenderer(style: TextStyle(usesColor: true)).render(Fixtures.incompleteApply),
            "apply-incomplete-color.txt"
        )
    }

    struct SummaryCase: Sendable, CustomTestStringConvertible {
        var name: String
        var report: ApplyReport
        var line: String
        var testDescription: String { name }
    }

    @Test(
        "the last line says whether the apply finished and, if not, that running it again is safe",
        arguments: [
            SummaryCase(
                name: "complete", report: Fixtures.completeApply,
                line: "Apply complete: 4 applied, 0 failed, 0 unknown, 0 not started."
            ),
            SummaryCase(
                name: "incomplete", report: Fixtures.incompleteApply,
                line: "Apply incomplete: 2 applied, 1 failed, 0 unknown, 1 not started. Run apply again to finish; "
                    + "applied changes will not be repeated."
            ),
            SummaryCase(
                name: "nothing to do", report: ApplyReport(environment: "local", results: []),
                line: "Apply complete: 0 applied, 0 failed, 0 unknown, 0 not started."
            ),
            SummaryCase(
                name: "interrupted, with an unknown outcome",
                report: ApplyReport(
                    environment: "local",
                    results: [
                        .init(address: ResourceAddress(.limit, "a"), action: .create, status: .applied, sid: "LM1"),
                        .init(
                            address: ResourceAddress(.limit, "b"), action: .create, status: .unknown,
                            error: "POST /2fa/limits: no answer: timed out"),
                        .init(
                            address: ResourceAddress(.limit, "c"), action: .create, status: .notStarted,
                            error: "the apply was interrupted"),
                    ], interrupted: true),
                line: "Apply incomplete: 1 applied, 0 failed, 1 unknown, 1 not started. Interrupted: changes in flight "
                    + "were let finish, none was started after. Run plan to see what the unknown changes did. Run "
                    + "apply again to finish; applied changes will not be repeated."
            ),
        ]
    )
    func summary(_ testCase: SummaryCase) {
        let text = ApplyReportTextRenderer().render(testCase.report)
        #expect(text.lines.last.map(String.init) == testCase.line)
    }

    @Test("one line per result, with sids, errors and why a change was not started")
    func resultLines() {
        let lines = ApplyReportTextRenderer().render(Fixtures.incompleteApply).lines
        #expect(lines.first == "✓ created limit.limit_on_phone (LM8e0a2c4f6b1d47e9a3c5f7b9d0e2a4c6)")
        #expect(
            lines.contains(
                "✗ failed to update limit.limit_on_ip: PUT /2fa/limits/LM0e4d6b1f9a2c47e8b3d5f7a9c1e2b4d6: "
                    + "400: Invalid bucket (details: buckets[0].interval: must be at least 60 seconds)"))
        #expect(
            lines.contains(
                "- not started limit.legacy_cap: an earlier change did not succeed, and deletes wait for "
                    + "everything before them"))
    }

    @Test("an error over several lines stays under its result")
    func multilineError() {
        let report = ApplyReport(
            environment: "production",
            results: [
                .init(
                    address: ResourceAddress(.workflow, "login"), action: .delete, status: .failed, sid: "WF1",
                    error: "DELETE /2fa/workflows/WF1: 500: Internal error\nretry later"
                )
            ]
        )
        let text = ApplyReportTextRenderer().render(report)
        #expect(
            text.hasPrefix(
                "✗ failed to delete workflow.login: DELETE /2fa/workflows/WF1: 500: Internal error\n    retry later\n"))
    }

    @Test("JSON matches its golden file and holds what tools read")
    func json() throws {
        let document = try Golden.expectJSON(
            ApplyReportJSONRenderer().render(Fixtures.incompleteApply), "apply-incomplete.json")
        #expect(document["formatVersion"] as? Int == 2)
        #expect(document["environment"] as? String == "production")
        #expect(document["succeeded"] as? Bool == false)
        #expect(document["summary"] as? [String: Int] == ["applied": 2, "failed": 1, "unknown": 0, "notStarted": 1])
        let results = try #require(document["results"] as? [[String: Any]])
        #expect(results.map { $0["status"] as? String } == ["applied", "failed", "applied", "not-started"])
        #expect(results[1]["error"] as? String != nil && results[0]["error"] == nil)
        let complete = try Golden.expectJSON(
            ApplyReportJSONRenderer().render(Fixtures.completeApply), "apply-complete.json")
        #expect(complete["succeeded"] as? Bool == true)
    }
}
