import Foundation

/// A pull-request comment laid out the same way for plans and drift: a marker line and a summary that are never cut,
/// tables, then details folded in `<details>`, all kept under a size limit by dropping details from the end first
/// and table rows from the end only when the tables alone are too long.
struct MarkdownComment {
    /// One table under its heading.
    struct Table {
        /// The heading, such as `Limits`.
        var title: String
        /// A sentence under the heading.
        var note: String?
        /// Column headers.
        var columns: [String]
        /// Cells, already Markdown; pipes and line breaks are escaped here.
        var rows: [[String]]
    }

    /// The marker and summary lines, never cut.
    var head: [String]
    /// The tables, in order.
    var tables: [Table]
    /// A sentence at the top of the details.
    var detailsNote: String?
    /// One block of lines per object, in order.
    var details: [[String]]
    /// What one details block is about, for the omission note: `change`.
    var detailNoun: String
    /// The most UTF-16 code units the comment may have.
    var limit: Int

    /// The comment, as long as the limit allows.
    func render() -> String {
        let headSize = Self.size(head)
        var tableSize = tables.reduce(0) { $0 + Self.size(tableLines($1, keeping: $1.rows.count)) }
        var detailsSize = details.isEmpty ? 0 : Self.size(detailsFrame)
        var keptDetails = details.count
        for block in details { detailsSize += Self.size(block) + 1 }
        func fits(droppedRows: Int) -> Bool {
            let detailsPart = keptDetails == 0 ? 0 : detailsSize
            return headSize + tableSize + detailsPart + Self.size(notes(rows: droppedRows, details: keptDetails))
                <= limit
        }
        while keptDetails > 0 && !fits(droppedRows: 0) {
            keptDetails -= 1
            detailsSize -= Self.size(details[keptDetails]) + 1
        }
        // Sizes are kept as running totals, so cutting thousands of rows stays linear.
        var keptRows = tables.map(\.rows.count)
        var droppedRows = 0
        var tableIndex = tables.count - 1
        while tableIndex >= 0 && !fits(droppedRows: droppedRows) {
            guard keptRows[tableIndex] > 0 else {
                tableIndex -= 1
                continue
            }
            let table = tables[tableIndex]
            keptRows[tableIndex] -= 1
            droppedRows += 1
            tableSize -= Self.size([Self.row(table.rows[keptRows[tableIndex]])])
            if keptRows[tableIndex] == 0 { tableSize -= Self.size(tableHead(table)) }
        }
        var lines = head
        for (table, kept) in zip(tables, keptRows) { lines += tableLines(table, keeping: kept) }
        if keptDetails > 0 {
            lines += detailsFrame.dropLast()
            for block in details.prefix(keptDetails) { lines += block + [""] }
            lines += detailsFrame.suffix(1)
        }
        lines += notes(rows: droppedRows, details: keptDetails)
        return lines.joined(separator: "\n") + "\n"
    }

    /// The lines around the details blocks; the last one closes them.
    private var detailsFrame: [String] {
        ["", "<details><summary>Details</summary>", ""] + (detailsNote.map { [$0, ""] } ?? []) + ["</details>"]
    }

    /// A table's heading, note and header rows: everything but its rows.
    private func tableHead(_ table: Table) -> [String] {
        var lines = ["", "### \(table.title)", ""]
        if let note = table.note { lines += [note, ""] }
        lines.append(Self.row(table.columns))
        lines.append("|" + String(repeating: "---|", count: table.columns.count))
        return lines
    }

    /// A table with its first `count` rows, or nothing when none is kept.
    private func tableLines(_ table: Table, keeping count: Int) -> [String] {
        guard count > 0 else { return [] }
        return tableHead(table) + table.rows.prefix(count).map(Self.row)
    }

    private func notes(rows: Int, details kept: Int) -> [String] {
        var lines: [String] = []
        let suffix = " to fit a pull-request comment; see the job log._"
        if rows > 0 {
            lines += ["", "_\(ChangeText.count(rows, "table row")) omitted" + suffix]
        }
        if kept < details.count {
            lines += ["", "_Details of \(ChangeText.count(details.count - kept, detailNoun)) omitted" + suffix]
        }
        return lines
    }

    /// `| a | b |`, with pipes escaped so a value cannot open a new cell, and line breaks flattened.
    static func row(_ cells: [String]) -> String {
        "|"
            + cells.map { cell in
                let text = cell.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
                return text.isEmpty ? " " : " \(text) "
            }.joined(separator: "|") + "|"
    }

    /// The size of `lines` once joined with newlines and ended by one, in UTF-16 code units: never fewer than the
    /// characters GitHub counts, however they are counted.
    static func size(_ lines: [String]) -> Int {
        lines.reduce(0) { $0 + $1.utf16.count + 1 }
    }

    /// `text` as a code span that holds backticks: the fence is longer than any run of them inside.
    static func code(_ text: String) -> String {
        let fence = String(repeating: "`", count: longestRun(of: "`", in: text) + 1)
        let padded = text.hasPrefix("`") || text.hasSuffix("`") ? " \(text) " : text
        return fence + padded + fence
    }

    /// A fenced code block around `lines`, its fence longer than any run of backticks inside.
    static func codeBlock(_ lines: [String], language: String) -> [String] {
        let longest = lines.map { longestRun(of: "`", in: $0) }.max() ?? 0
        let fence = String(repeating: "`", count: max(3, longest + 1))
        return [fence + language] + lines + [fence]
    }

    /// The marker line a bot finds its comment by; `-->` in the name would end the comment early.
    static func marker(_ kind: String, environment: String) -> String {
        let name = environment.replacingOccurrences(of: "--", with: "-\u{2010}")
            .replacingOccurrences(of: "\n", with: " ")
        return "<!-- mitto-policy \(kind): environment=\(name) -->"
    }

    private static func longestRun(of character: Character, in text: String) -> Int {
        var longest = 0
        var current = 0
        for each in text {
            current = each == character ? current + 1 : 0
            longest = max(longest, current)
        }
        return longest
    }
}
