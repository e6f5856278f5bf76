public import PolicyPlanner

/// A drift report as a terminal shows it: objects changed in the account (fields as `live → manifest`), declared
/// objects missing from it, objects nobody declared, and a closing count.
public struct DriftTextRenderer: ReportRenderer {
    /// The styling; plain when colour is off.
    public var style: TextStyle

    /// Creates a renderer.
    public init(style: TextStyle = .plain) {
        self.style = style
    }

    /// The report, ending with `Drift: 1 changed, 0 missing, 2 unmanaged.` or
    /// `No drift. The account matches the manifests.`
    public func render(_ report: DriftReport) -> String {
        var lines = [style.bold("Drift check of environment \(report.environment)")]
        // The plan's risk labels describe applying the manifest, which reads backwards here: each difference is
        // labelled by what it did to the account's protection instead.
        if !report.changed.isEmpty {
            lines += ["", style.bold("Changed in the account (live → manifest):")]
            for change in report.changed {
                lines +=
                    [""] + [
                        ChangeText.header(
                            change, style: style, showsRisk: false, label: ChangeText.driftLabel(change, style: style))
                    ]
                lines += ChangeText.body(change, style: style, showsRisk: false)
            }
        }
        if !report.missing.isEmpty {
            lines += ["", style.bold("Missing from the account (declared in the manifests):")]
            for change in report.missing {
                lines +=
                    [""] + [
                        ChangeText.header(
                            change, style: style, showsRisk: false, label: ChangeText.driftLabel(change, style: style))
                    ]
                lines += ChangeText.body(change, style: style, showsRisk: false)
            }
        }
        if !report.unmanaged.isEmpty {
            lines += ["", style.bold("Unmanaged (in the account, declared by no manifest):"), ""]
            lines += report.unmanaged.map { style.cyan("? \($0.address)") + " (\($0.sid))" }
        }
        if let scope = report.scope {
            lines += ["", style.yellow("Warning: " + ChangeText.partialNote(scope, noun: "drift check"))]
        }
        lines += ["", summary(report)]
        return lines.joined(separator: "\n") + "\n"
    }

    /// The closing line.
    public func summary(_ report: DriftReport) -> String {
        if report.isInSync { return style.green("No drift. The account matches the manifests.") }
        return style.bold("Drift:")
            + " \(report.changed.count) changed, \(report.missing.count) missing, \(report.unmanaged.count) unmanaged."
    }
}
