public import PolicyApplier
import PolicyPlanner

/// What an apply did, as a terminal shows it: one line per change, then whether the run is complete and, if not,
/// that running it again finishes the job.
public struct ApplyReportTextRenderer: ReportRenderer {
    /// The styling; plain when colour is off.
    public var style: TextStyle

    /// Creates a renderer.
    public init(style: TextStyle = .plain) {
        self.style = style
    }

    /// The report, ending with `Apply complete: …` or `Apply incomplete: …`.
    public func render(_ report: ApplyReport) -> String {
        var lines = report.results.map(line)
        if !lines.isEmpty { lines.append("") }
        lines.append(summary(report))
        return lines.joined(separator: "\n") + "\n"
    }

    /// `✓ created limit.limit_on_phone (LM…)`, `✗ failed to update workflow.login: …`, `- skipped limit.x: …`.
    private func line(_ result: ApplyReport.Result) -> String {
        var text: String
        switch result.status {
        case .applied:
            text = style.green("✓") + " \(Self.pastTense(result.action)) \(result.address)"
            if let sid = result.sid { text += " (\(sid))" }
        case .failed:
            text = style.red("✗ failed to \(result.action.rawValue) \(result.address)")
        case .skipped:
            text = style.dim("- skipped") + " \(result.address)"
        }
        if result.status != .applied, let error = result.error {
            // An API error may span lines; its continuation stays under the result it belongs to.
            let lines = error.split(separator: "\n", omittingEmptySubsequences: false)
            text += ": " + lines.joined(separator: "\n" + ChangeText.indent)
        }
        return text
    }

    /// The closing line.
    public func summary(_ report: ApplyReport) -> String {
        let counts =
            "\(report.count(.applied)) applied, \(report.count(.failed)) failed, \(report.count(.skipped)) skipped."
        if report.succeeded { return style.green("Apply complete:") + " " + counts }
        return style.red("Apply incomplete:") + " " + counts
            + " Run apply again to finish; applied changes will not be repeated."
    }

    private static func pastTense(_ action: ChangeAction) -> String {
        switch action {
        case .create: "created"
        case .update: "updated"
        case .delete: "deleted"
        }
    }
}
