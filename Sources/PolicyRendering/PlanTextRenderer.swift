public import PolicyPlanner

/// A plan as a terminal shows it, like Terraform: each change with its risk and source, the fields it sets or
/// changes, the unmanaged objects that stay, any refusal, and a closing count.
public struct PlanTextRenderer: ReportRenderer {
    /// The styling; plain when colour is off.
    public var style: TextStyle

    /// Creates a renderer.
    public init(style: TextStyle = .plain) {
        self.style = style
    }

    /// The plan, ending with `Plan: 1 to create, 2 to update, 0 to delete.` or, when there is nothing to do,
    /// `No changes. The account matches the manifests.`
    public func render(_ plan: Plan) -> String {
        var lines = [style.bold("Plan for environment \(plan.environment)")]
        for change in plan.changes {
            lines.append("")
            lines.append(ChangeText.header(change, style: style))
            lines += ChangeText.body(change, style: style)
        }
        if !plan.unmanaged.isEmpty || plan.summary.ignored > 0 {
            lines.append("")
            lines += plan.unmanaged.map(unmanagedLine)
            if plan.summary.ignored > 0 {
                let objects = ChangeText.count(plan.summary.ignored, "live object")
                lines.append(style.dim("\(objects) ignored by ignore patterns."))
            }
        }
        if !plan.refusals.isEmpty {
            lines.append("")
            for refusal in plan.refusals {
                lines.append(
                    plan.forced
                        ? style.yellow("Overridden by --force:") + " \(refusal.finding)."
                        : style.red("Refused: \(refusal)")
                )
            }
        }
        if let scope = plan.scope {
            lines.append("")
            lines.append(style.yellow("Warning: " + ChangeText.partialNote(scope, noun: "plan")))
        }
        lines.append("")
        lines.append(summary(plan))
        return lines.joined(separator: "\n") + "\n"
    }

    /// `? limit.x (unmanaged: deletion not allowed — pass --allow-delete)`.
    private func unmanagedLine(_ object: UnmanagedObject) -> String {
        let reason =
            switch object.reason {
            case .deletionNotAllowed: "deletion not allowed — pass --allow-delete"
            case .protected: "protected by safety.protect"
            }
        return style.cyan("? \(object.address)") + " (unmanaged: \(reason))"
    }

    /// The closing line.
    public func summary(_ plan: Plan) -> String {
        if plan.isEmpty {
            guard plan.unmanaged.isEmpty else {
                let objects = ChangeText.count(plan.unmanaged.count, "unmanaged live object")
                return "No changes. The manifests' objects match the account; \(objects) "
                    + "\(plan.unmanaged.count == 1 ? "stays" : "stay") as \(plan.unmanaged.count == 1 ? "it is" : "they are")."
            }
            return "No changes. The account matches the manifests."
        }
        let counts = plan.summary
        return style.bold(plan.scope == nil ? "Plan:" : "Partial plan:")
            + " \(counts.create) to create, \(counts.update) to update, \(counts.delete) to delete."
    }
}
