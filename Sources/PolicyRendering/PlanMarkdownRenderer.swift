import PolicyModel
public import PolicyPlanner

/// A plan as a pull-request comment: a hidden marker line a bot updates its comment by, the summary as the first
/// thing visible, one table per kind, the unmanaged objects, then a folded diff per change; never longer than
/// `characterLimit`, dropping details (and, only if need be, table rows) from the end with a note saying so.
public struct PlanMarkdownRenderer: ReportRenderer {
    /// The default size cap: under GitHub's 65,536 characters for a comment, with room to spare.
    public static let commentLimit = 65_000

    /// The most characters (UTF-16 code units) the comment may have.
    public var characterLimit: Int

    /// Creates a renderer.
    public init(characterLimit: Int = Self.commentLimit) {
        self.characterLimit = characterLimit
    }

    /// The plan as Markdown, ending with a newline.
    public func render(_ plan: Plan) -> String {
        MarkdownComment(
            head: head(plan), tables: tables(plan), detailsNote: nil, details: plan.changes.map(details),
            detailNoun: "change", limit: characterLimit
        ).render()
    }

    /// The marker, the summary, and a line per refusal.
    private func head(_ plan: Plan) -> [String] {
        var summary = "**Plan for \(MarkdownComment.code(plan.environment)):** "
        if plan.isEmpty {
            summary += "No changes."
            if !plan.unmanaged.isEmpty {
                summary += " \(ChangeText.count(plan.unmanaged.count, "unmanaged live object")) left as is."
            }
        } else {
            let counts = plan.summary
            summary += "\(counts.create) to create, \(counts.update) to update, \(counts.delete) to delete"
            let loosening = plan.changes.filter { $0.risk == .loosen }.count
            if loosening > 0 {
                let verb = loosening == 1 ? "loosens" : "loosen"
                summary += " — ⚠️ \(ChangeText.count(loosening, "change")) \(verb) protection"
            }
        }
        var lines = [MarkdownComment.marker("plan", environment: plan.environment), summary]
        if let scope = plan.scope { lines += ["", "⚠️ **Partial:** " + ChangeText.partialNote(scope, noun: "plan")] }
        for refusal in plan.refusals {
            lines += [
                "", plan.forced ? "⚠️ **Overridden by `--force`:** \(refusal.finding)." : "🛑 **Refused:** \(refusal)",
            ]
        }
        return lines
    }

    private func tables(_ plan: Plan) -> [MarkdownComment.Table] {
        var tables = ResourceKind.allCases.compactMap { kind -> MarkdownComment.Table? in
            let changes = plan.changes.filter { $0.address.kind == kind }
            guard !changes.isEmpty else { return nil }
            return .init(
                title: kind.plural.prefix(1).uppercased() + kind.plural.dropFirst(), note: nil,
                columns: ["", "Name", "Action", "Risk", "Source"], rows: changes.map(row)
            )
        }
        if !plan.unmanaged.isEmpty {
            tables.append(
                .init(
                    title: "Unmanaged", note: "In the account, declared by no manifest; they stay as they are.",
                    columns: ["Object", "Sid", "Reason"],
                    rows: plan.unmanaged.map { object in
                        let reason =
                            switch object.reason {
                            case .deletionNotAllowed: "deletion not allowed — pass `--allow-delete`"
                            case .protected: "protected by `safety.protect`"
                            }
                        return [
                            MarkdownComment.code(object.address.description), MarkdownComment.code(object.sid),
                            reason,
                        ]
                    }
                )
            )
        }
        return tables
    }

    private func row(_ change: PlannedChange) -> [String] {
        var name = MarkdownComment.code(change.address.name)
        if let renamedFrom = change.renamedFrom { name += " (renamed from \(MarkdownComment.code(renamedFrom)))" }
        let risk =
            switch change.risk {
            case .loosen: "⚠️ **loosen**"
            case .tighten: "tighten"
            case .neutral: "neutral"
            }
        return [
            MarkdownComment.code(change.action.symbol), name, change.action.rawValue, risk,
            change.source.map { MarkdownComment.code($0.description) } ?? "",
        ]
    }

    /// A `diff` block: GitHub colours a create's lines green and a delete's red.
    private func details(_ change: PlannedChange) -> [String] {
        let body = ChangeText.body(change, style: .plain).map { line in
            change.action == .update ? line : change.action.symbol + line.dropFirst()
        }
        return MarkdownComment.codeBlock([ChangeText.header(change, style: .plain)] + body, language: "diff")
    }
}
