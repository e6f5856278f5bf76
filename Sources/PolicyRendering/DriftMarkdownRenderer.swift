public import PolicyPlanner

/// A drift report as a pull-request or issue comment: a hidden marker line, the summary first, a table per section
/// (changed, missing, unmanaged), then a folded diff per changed or missing object; never longer than
/// `characterLimit`, dropping details (and, only if need be, table rows) from the end with a note saying so.
public struct DriftMarkdownRenderer: ReportRenderer {
    /// The most characters (UTF-16 code units) the comment may have.
    public var characterLimit: Int

    /// Creates a renderer.
    public init(characterLimit: Int = PlanMarkdownRenderer.commentLimit) {
        self.characterLimit = characterLimit
    }

    /// The report as Markdown, ending with a newline.
    public func render(_ report: DriftReport) -> String {
        var summary = "**Drift in \(MarkdownComment.code(report.environment)):** "
        if report.isInSync {
            summary += "No drift. The account matches the manifests."
        } else {
            summary +=
                "\(report.changed.count) changed, \(report.missing.count) missing, "
                + "\(report.unmanaged.count) unmanaged"
        }
        var tables: [MarkdownComment.Table] = []
        if !report.changed.isEmpty {
            tables.append(
                .init(
                    title: "Changed", note: "Live fields differ from the manifests.",
                    columns: ["Object", "Fields", "Risk", "Source"],
                    rows: report.changed.map { change in
                        [
                            MarkdownComment.code(change.address.description),
                            change.fields.map { MarkdownComment.code($0.field) }.joined(separator: ", "),
                            risk(change), source(change),
                        ]
                    }
                )
            )
        }
        if !report.missing.isEmpty {
            tables.append(
                .init(
                    title: "Missing", note: "Declared in the manifests, absent from the account.",
                    columns: ["Object", "Risk", "Source"],
                    rows: report.missing.map { [MarkdownComment.code($0.address.description), risk($0), source($0)] }
                )
            )
        }
        if !report.unmanaged.isEmpty {
            tables.append(
                .init(
                    title: "Unmanaged", note: "In the account, declared by no manifest.", columns: ["Object", "Sid"],
                    rows: report.unmanaged.map {
                        [MarkdownComment.code($0.address.description), MarkdownComment.code($0.sid)]
                    }
                )
            )
        }
        var head = [MarkdownComment.marker("drift", environment: report.environment), summary]
        if let scope = report.scope {
            head += ["", "⚠️ **Partial:** " + ChangeText.partialNote(scope, noun: "drift check")]
        }
        return MarkdownComment(
            head: head, tables: tables,
            detailsNote: "Changed fields read `live → manifest`.",
            details: (report.changed + report.missing).map(details), detailNoun: "object", limit: characterLimit
        ).render()
    }

    /// `⚠️ **loosened**` outside the manifests stands out, as a plan's loosening does.
    private func risk(_ change: PlannedChange) -> String {
        let risk = ChangeText.driftRisk(change)
        return risk == "loosened" ? "⚠️ **loosened**" : risk
    }

    private func source(_ change: PlannedChange) -> String {
        change.source.map { MarkdownComment.code($0.description) } ?? ""
    }

    private func details(_ change: PlannedChange) -> [String] {
        let body = ChangeText.body(change, style: .plain, showsRisk: false).map { line in
            change.action == .create ? "+" + line.dropFirst() : line
        }
        let header = ChangeText.header(change, style: .plain, showsRisk: false)
        return MarkdownComment.codeBlock([header] + body, language: "diff")
    }
}
