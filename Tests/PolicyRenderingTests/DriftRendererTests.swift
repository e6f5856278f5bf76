import Foundation
import PolicyModel
import PolicyPlanner
import PolicyRendering
import Testing

@Suite("Drift renderers: what changed in the account, as text, JSON and Markdown")
struct DriftRendererTests {
    @Test("text drift, plain and coloured, matches its golden files")
    func textGolden() throws {
        try Golden.expect(DriftTextRenderer().render(Fixtures.drift), "drift.txt")
        try Golden.expect(
            DriftTextRenderer(style: TextStyle(usesColor: true)).render(Fixtures.drift), "drift-color.txt")
        try Golden.expect(DriftTextRenderer().render(Fixtures.noDrift), "drift-none.txt")
    }

    @Test("field lines read live → manifest: a limit raised by hand to 10 shows 10 → 3")
    func direction() {
        let text = DriftTextRenderer().render(Fixtures.drift)
        #expect(text.contains("Changed in the account (live → manifest):"))
        #expect(text.contains("\n    buckets[0].max: 10 → 3\n"))
        #expect(!text.contains("[tighten]"), "a plan's risk label would read backwards here")
        #expect(text.lines.last == "Drift: 1 changed, 1 missing, 3 unmanaged.")
        #expect(
            DriftTextRenderer().render(Fixtures.noDrift).lines.last == "No drift. The account matches the manifests.")
        #expect(!text.contains("\u{1B}"))
    }

    @Test("JSON matches its golden file; fields are named live and manifest")
    func json() throws {
        let document = try Golden.expectJSON(DriftJSONRenderer().render(Fixtures.drift), "drift.json")
        #expect(document["formatVersion"] as? Int == 1)
        #expect(document["environment"] as? String == "production")
        #expect(document["inSync"] as? Bool == false)
        let changed = try #require(document["changed"] as? [[String: Any]])
        #expect(changed.first?["address"] as? String == "limit.limit_on_phone")
        let field = try #require((changed.first?["fields"] as? [[String: Any]])?.first)
        #expect(field["field"] as? String == "buckets[0].max")
        #expect(field["live"] as? Int == 10 && field["manifest"] as? Int == 3)
        let missing = try #require(document["missing"] as? [[String: Any]])
        #expect(missing.first?["address"] as? String == "workflow.password_reset")
        let unmanaged = try #require(document["unmanaged"] as? [[String: Any]])
        #expect(unmanaged.compactMap { $0["sid"] as? String }.count == 3)
        let inSync = try Golden.expectJSON(DriftJSONRenderer().render(Fixtures.noDrift), "drift-none.json")
        #expect(inSync["inSync"] as? Bool == true)
    }

    @Test("Markdown matches its golden file: marker, summary first, a table per section")
    func markdownGolden() throws {
        let markdown = DriftMarkdownRenderer().render(Fixtures.drift)
        try Golden.expect(markdown, "drift.md")
        #expect(markdown.lines.first == "<!-- mitto-policy drift: environment=production -->")
        #expect(markdown.lines.dropFirst().first == "**Drift in `production`:** 1 changed, 1 missing, 3 unmanaged")
        for title in ["### Changed", "### Missing", "### Unmanaged"] {
            #expect(markdown.contains("\n\(title)\n"))
        }
        let none = DriftMarkdownRenderer().render(Fixtures.noDrift)
        try Golden.expect(none, "drift-none.md")
        #expect(none.lines.dropFirst().first == "**Drift in `staging`:** No drift. The account matches the manifests.")
    }

    @Test("Markdown of a large drift stays under the comment limit, details omitted with a note")
    func markdownCap() throws {
        let report = DriftReport(plan: Fixtures.hugePlan)
        #expect(DriftMarkdownRenderer(characterLimit: .max).render(report).utf16.count > 65_000)
        let markdown = DriftMarkdownRenderer().render(report)
        #expect(markdown.utf16.count <= 65_000)
        #expect(markdown.hasPrefix("<!-- mitto-policy drift: environment=production -->\n**Drift in `production`:**"))
        #expect(
            markdown.lines.last?.hasSuffix(" objects omitted to fit a pull-request comment; see the job log._") == true)
        let small = DriftMarkdownRenderer(characterLimit: 3_000).render(report)
        #expect(small.utf16.count <= 3_000)
        #expect(small.contains(" table rows omitted to fit a pull-request comment"))
    }
}
