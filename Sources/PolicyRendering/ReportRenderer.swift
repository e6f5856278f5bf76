/// Turns one kind of report into text for people or tools: a pure function of its input, with no I/O, no clock and
/// no environment reading, so a command picks a renderer by `--format` and writes what it returns.
public protocol ReportRenderer<Report>: Sendable {
    /// What this renderer shows.
    associatedtype Report

    /// The whole report as text, ending with a newline.
    func render(_ report: Report) -> String
}

extension DiagnosticTextRenderer: ReportRenderer {}

extension DiagnosticJSONRenderer: ReportRenderer {}
