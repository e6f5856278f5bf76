public import PolicySimulation

/// A simulation as Markdown: the summary line first, one table per limit with its buckets, and the key values
/// folded in `<details>`. On its own it is a pull-request comment with its marker; under a plan
/// (``section(_:characterLimit:)``) it is a section of the plan's comment, kept well under the plan's size.
public struct SimulationMarkdownRenderer: ReportRenderer {
    /// The most characters a simulation takes under a plan.
    public static let sectionLimit = 16_000

    /// The most characters (UTF-16 code units) the comment may have.
    public var characterLimit: Int

    /// Creates a renderer.
    public init(characterLimit: Int = PlanMarkdownRenderer.commentLimit) {
        self.characterLimit = characterLimit
    }

    /// The simulation as a comment of its own, ending with a newline.
    public func render(_ report: SimulationReport) -> String {
        comment(
            report,
            head: [
                MarkdownComment.marker("simulate", environment: report.environment),
                "**Simulation:** " + summary(report),
            ],
            limit: characterLimit
        ).render()
    }

    /// The simulation as a section to append to a plan's comment, starting with a blank line.
    public func section(_ report: SimulationReport, characterLimit: Int = Self.sectionLimit) -> String {
        "\n"
            + comment(
                report, head: ["---", "", "**Simulated on recorded traffic:** " + summary(report)],
                limit: characterLimit
            )
            .render()
    }

    private func comment(_ report: SimulationReport, head: [String], limit: Int) -> MarkdownComment {
        var head = head
        if let removed = SimulationText.removedLimits(report) { head += ["", "⚠️ " + removed + "."] }
        if !report.keysShown { head += ["", "_Key values are masked._"] }
        return MarkdownComment(
            head: head, tables: report.limits.map(table), detailsNote: nil,
            details: report.limits.compactMap(details), detailNoun: "limit", limit: limit)
    }

    private func summary(_ report: SimulationReport) -> String {
        let totals = report.totals
        var text = "\(SimulationText.count(totals.sends, "send")) from \(MarkdownComment.code(report.traffic.file))"
        if let from = report.traffic.from, let until = report.traffic.until { text += " (\(from) to \(until))" }
        text += ", refused \(SimulationText.beforeAfter(totals.refusedBefore, totals.refusedAfter))"
        if totals.newlyRefused > 0 {
            text +=
                " — ⚠️ **\(SimulationText.count(totals.newlyRefused, "send")) newly refused** "
                + "(\(SimulationText.count(totals.newlyRefusedKeys, "key")))"
        } else {
            text += "; none newly refused"
        }
        if totals.noLongerRefused > 0 {
            text +=
                ", \(SimulationText.grouped(totals.noLongerRefused)) no longer refused (\(SimulationText.count(totals.noLongerRefusedKeys, "key")))"
        }
        return text
    }

    private func table(_ limit: SimulationReport.LimitResult) -> MarkdownComment.Table {
        var title = MarkdownComment.code("limit.\(limit.name)")
        if let previous = limit.previousName { title += " (was \(MarkdownComment.code(previous)))" }
        title += " — \(limit.status.rawValue)"
        return MarkdownComment.Table(
            title: title,
            note: "\(SimulationText.count(limit.sends, "send")); " + SimulationText.limitLine(limit) + ".",
            columns: ["Bucket", "Live", "Planned", "Refused (live → planned)"],
            rows: limit.buckets.map { bucket in
                [
                    MarkdownComment.code(bucket.name), SimulationText.settings(bucket.before),
                    SimulationText.settings(bucket.after),
                    SimulationText.beforeAfter(bucket.refusedBefore, bucket.refusedAfter),
                ]
            })
    }

    private func details(_ limit: SimulationReport.LimitResult) -> [String]? {
        var lines: [String] = []
        func keys(_ title: String, _ keys: [SimulationReport.KeySend]) {
            guard !keys.isEmpty else { return }
            lines.append("First \(title), per key:")
            lines.append("")
            for key in keys.prefix(SimulationTextRenderer.keysShown) {
                lines.append(
                    "- \(MarkdownComment.code(key.key)) at \(key.at), bucket \(MarkdownComment.code(key.bucket))"
                        + (key.sends > 1 ? " (\(SimulationText.count(key.sends, "send")))" : ""))
            }
            if keys.count > SimulationTextRenderer.keysShown {
                lines.append(
                    "- … and \(SimulationText.count(keys.count - SimulationTextRenderer.keysShown, "more key"))")
            }
            lines.append("")
        }
        keys("newly refused", limit.newlyRefusedKeys)
        keys("no longer refused", limit.noLongerRefusedKeys)
        if !limit.busiestKeys.isEmpty {
            lines.append("Busiest keys (\(limit.status == .removed ? "live" : "planned")):")
            lines.append("")
            for key in limit.busiestKeys {
                lines.append(
                    "- \(MarkdownComment.code(key.key)): "
                        + key.buckets.map(SimulationText.peak).joined(separator: ", "))
            }
            lines.append("")
        }
        guard !lines.isEmpty else { return nil }
        return ["**\(MarkdownComment.code("limit.\(limit.name)"))**", ""] + lines.dropLast()
    }
}

/// A simulation as JSON: ``SimulationReport`` as it is encoded, keys sorted.
public struct SimulationJSONRenderer: ReportRenderer {
    /// Creates a renderer.
    public init() {}

    /// The report as JSON, ending with a newline.
    public func render(_ report: SimulationReport) -> String {
        JSONDocument.text(report)
    }
}
