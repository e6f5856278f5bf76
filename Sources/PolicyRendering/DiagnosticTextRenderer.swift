public import PolicyModel

/// Diagnostics as a compiler prints them: `file:line:col: error: message [code]`, the source line, a caret under the
/// column, then the hint and notes.
public struct DiagnosticTextRenderer: Sendable {
    /// The styling.
    public var style: TextStyle

    /// Creates a renderer.
    public init(style: TextStyle = .plain) {
        self.style = style
    }

    /// The whole report, ending with a summary line.
    public func render(_ report: DiagnosticsReport) -> String {
        var lines = SourceLines(report.sources)
        var out = ""
        for diagnostic in report.diagnostics {
            out += render(diagnostic, lines: &lines)
        }
        out += summary(report) + "\n"
        return out
    }

    /// One diagnostic with its source excerpt.
    public func render(_ diagnostic: Diagnostic, sources: [String: String]) -> String {
        render([diagnostic], sources: sources)
    }

    /// Diagnostics with their source excerpts and no summary; each file is split into lines once.
    public func render(_ diagnostics: [Diagnostic], sources: [String: String]) -> String {
        var lines = SourceLines(sources)
        return diagnostics.map { render($0, lines: &lines) }.joined()
    }

    private func render(_ diagnostic: Diagnostic, lines: inout SourceLines) -> String {
        let label =
            switch diagnostic.severity {
            case .error: style.red("error:")
            case .warning: style.yellow("warning:")
            }
        var out = prefix(diagnostic.location) + "\(label) \(style.bold(diagnostic.message)) [\(diagnostic.code)]\n"
        out += excerpt(diagnostic.location, lines: &lines)
        if let hint = diagnostic.hint {
            out += "      = \(style.cyan("hint:")) \(hint)\n"
        }
        for note in diagnostic.notes {
            out += prefix(note.location) + "\(style.dim("note:")) \(note.message)\n"
            out += excerpt(note.location, lines: &lines)
        }
        return out
    }

    private func prefix(_ location: SourceLocation?) -> String {
        guard let location else { return "" }
        return style.bold("\(location):") + " "
    }

    private func excerpt(_ location: SourceLocation?, lines: inout SourceLines) -> String {
        guard let location, let text = lines.line(location.line, of: location.file) else { return "" }
        let number = String(location.line)
        let gutter = String(repeating: " ", count: max(4, number.count + 1) - number.count) + number
        let blank = String(repeating: " ", count: gutter.count)
        // Tabs stay tabs, so the caret lines up however the terminal shows them.
        let lead = String(text.prefix(max(location.column - 1, 0)).map { $0 == "\t" ? "\t" : " " })
        return "\(style.dim("\(gutter) |")) \(text)\n\(style.dim("\(blank) |")) \(lead)\(style.green("^"))\n"
    }

    /// `2 errors and 1 warning in 3 files.` or `3 files are valid: 2 limits, 4 workflows.`
    public func summary(_ report: DiagnosticsReport) -> String {
        let files = Self.count(report.files.count, "file")
        if report.errorCount > 0 {
            var text = Self.count(report.errorCount, "error")
            if report.warningCount > 0 { text += " and " + Self.count(report.warningCount, "warning") }
            return style.red(text) + " in \(files)."
        }
        var text =
            "\(files) \(report.files.count == 1 ? "is" : "are") valid: "
            + "\(Self.count(report.limitCount, "limit")), \(Self.count(report.workflowCount, "workflow"))"
        if report.warningCount > 0 { text += " (" + Self.count(report.warningCount, "warning") + ")" }
        return style.green(text + ".")
    }

    static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }
}

/// Source files' lines, found once per file on first use: where each line starts, by a scan of the file's bytes, so
/// a file of a million lines with a warning on every tenth costs one pass and no string per line it does not show.
/// A line ends at `\n`; a `\r` before it (CRLF files) is not part of the line.
struct SourceLines {
    private let sources: [String: String]
    private var starts: [String: [Int]] = [:]

    init(_ sources: [String: String]) {
        self.sources = sources
    }

    mutating func line(_ number: Int, of file: String) -> String? {
        guard var text = sources[file] else { return nil }
        if starts[file] == nil {
            starts[file] = text.withUTF8 { bytes in
                var starts = [0]
                for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") { starts.append(offset + 1) }
                return starts
            }
        }
        guard let lines = starts[file], number >= 1, number <= lines.count else { return nil }
        return text.withUTF8 { bytes in
            var end = number < lines.count ? lines[number] - 1 : bytes.count
            if end > lines[number - 1] && bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[lines[number - 1]..<end]), as: UTF8.self)
        }
    }
}
