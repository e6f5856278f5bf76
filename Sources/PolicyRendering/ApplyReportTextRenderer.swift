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

    /// `✓ created limit.limit_on_phone (LM…)`, `✗ failed to update workflow.login: …`, `? unknown whether …`,
    /// `- not started limit.x: …`.
    private func line(_ result: ApplyReport.Result) -> String {
        var text: String
        switch result.status {
        case .applied:
            text = style.green("✓") + " \(Self.pastTense(result.action)) \(result.address)"
            if let sid = result.sid { text += " (\(sid))" }
            if let note = result.note { text += ": \(note)" }
        case .failed:
            text = style.red("✗ failed to \(result.action.rawValue) \(result.address)")
        case .unknown:
            text = style.yellow("? unknown whether \(result.action.rawValue) \(result.address) took effect")
        case .notStarted:
            text = style.dim("- not started") + " \(result.address)"
        }
        if result.status != .applied, let error = result.error {
            // An API error may span lines; its continuation stays under the result it belongs to.
            let lines = error.split(separator: "\n", omittingEmptySubsequences: false)
            text += ": " + lines.joined(separator: "\n" + ChangeText.indent)
        }
        return text
    }

    /// The closing line: the counts, and what to do next when the run is not complete.
    public func summary(_ report: ApplyReport) -> String {
        let counts =
            "\(report.count(.applied)) applied, \(report.count(.failed)) failed, \(report.count(.unknown)) unknown, "
            + "\(report.count(.notStarted)) not started."
        if report.succeeded { return style.green("Apply complete:") + " " + counts }
        var advice: [String] = []
        if report.interrupted {
            advice.append("Interrupted: changes in flight were let finish, none was started after.")
        }
        if report.count(.unknown) > 0 {
            advice.append("Run plan to see what the unknown changes did.")
        }
        advice.append("Run apply again to finish; applied changes will not be repeated.")
        return style.red("Apply incomplete:") + " " + counts + " " + advice.joined(separator: " ")
    }

    private static func pastTense(_ action: ChangeAction) -> String {
        switch action {
        case .create: "created"
        case .update: "updated"
        case .delete: "deleted"
        }
    }
}
