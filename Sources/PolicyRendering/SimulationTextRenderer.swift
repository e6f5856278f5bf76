import Foundation
import PolicyModel
public import PolicySimulation

/// A simulation for a terminal: the totals first, then per limit its refusals before and after, each bucket's
/// settings and refusals, the key values first newly refused, and the busiest keys.
public struct SimulationTextRenderer: ReportRenderer {
    /// Key values listed per limit and direction before the rest are counted.
    public static let keysShown = 10

    /// Colour or not.
    public var style: TextStyle

    /// Creates a renderer.
    public init(style: TextStyle = .plain) {
        self.style = style
    }

    /// The report as text, ending with a newline.
    public func render(_ report: SimulationReport) -> String {
        var lines = [style.bold(SimulationText.headline(report))]
        lines.append("  " + SimulationText.totals(report.totals))
        if let removed = SimulationText.removedLimits(report) { lines.append(style.yellow("  " + removed)) }
        if !report.keysShown { lines.append(style.dim("  Key values are masked; --show-keys shows them whole.")) }
        for limit in report.limits {
            lines.append("")
            lines += self.limit(limit)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func limit(_ limit: SimulationReport.LimitResult) -> [String] {
        let indent = ChangeText.indent
        var header = "\(SimulationText.symbol(limit.status)) limit.\(limit.name)"
        if let previous = limit.previousName { header += " (was \(previous))" }
        header += "  " + style.dim("\(limit.status.rawValue), \(SimulationText.count(limit.sends, "send"))")
        var lines = [limit.newlyRefused > 0 ? style.red(header) : style.bold(header)]
        lines.append(indent + SimulationText.limitLine(limit))
        let rows =
            [["bucket", "live", "planned", "refused"]]
            + limit.buckets.map { bucket in
                [
                    bucket.name, SimulationText.settings(bucket.before), SimulationText.settings(bucket.after),
                    SimulationText.beforeAfter(bucket.refusedBefore, bucket.refusedAfter),
                ]
            }
        let widths = (0..<4).map { column in rows.map { $0[column].count }.max() ?? 0 }
        for (index, row) in rows.enumerated() {
            let cells = zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
            let line = indent + cells.joined(separator: "  ").trimmingTrailingSpaces
            lines.append(index == 0 ? style.dim(line) : line)
        }
        lines += keys("first newly refused", limit.newlyRefusedKeys, color: style.red)
        lines += keys("first no longer refused", limit.noLongerRefusedKeys, color: style.green)
        if !limit.busiestKeys.isEmpty {
            lines.append(indent + (limit.status == .removed ? "busiest keys (live):" : "busiest keys (planned):"))
            let width = limit.busiestKeys.map(\.key.count).max() ?? 0
            for key in limit.busiestKeys {
                lines.append(
                    indent + indent + key.key.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                        + key.buckets.map(SimulationText.peak).joined(separator: ", "))
            }
        }
        return lines
    }

    private func keys(_ title: String, _ keys: [SimulationReport.KeySend], color: (String) -> String) -> [String] {
        guard !keys.isEmpty else { return [] }
        let indent = ChangeText.indent
        var lines = [indent + "\(title):"]
        let shown = keys.prefix(Self.keysShown)
        let width = shown.map(\.key.count).max() ?? 0
        for key in shown {
            lines.append(
                indent + indent + color(key.key.padding(toLength: width, withPad: " ", startingAt: 0)) + "  \(key.at)  "
                    + "\(key.bucket)" + (key.sends > 1 ? "  (\(SimulationText.count(key.sends, "send")))" : ""))
        }
        if keys.count > shown.count {
            lines.append(indent + indent + "… and \(SimulationText.count(keys.count - shown.count, "more key"))")
        }
        return lines
    }
}

/// Phrases the simulation's renderers share.
enum SimulationText {
    /// `3,000 sends`, `1 key`.
    static func count(_ number: Int, _ noun: String) -> String {
        "\(grouped(number)) \(noun)\(number == 1 ? "" : "s")"
    }

    /// `12,345`: thousands grouped, as large counts read in a review.
    static func grouped(_ number: Int) -> String {
        let digits = String(number.magnitude)
        var text = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { text.append(",") }
            text.append(digit)
        }
        return (number < 0 ? "-" : "") + text
    }

    static func headline(_ report: SimulationReport) -> String {
        let traffic = report.traffic
        var text = "Simulated \(SimulationText.count(traffic.sends, "send")) from \(traffic.file)"
        if let from = traffic.from, let until = traffic.until { text += " (\(from) to \(until))" }
        return text + " through the live limits and the planned ones:"
    }

    static func totals(_ totals: SimulationReport.Totals) -> String {
        "refused \(beforeAfter(totals.refusedBefore, totals.refusedAfter)); "
            + "\(SimulationText.count(totals.newlyRefused, "send")) newly refused "
            + "(\(SimulationText.count(totals.newlyRefusedKeys, "key"))), "
            + "\(grouped(totals.noLongerRefused)) no longer refused (\(SimulationText.count(totals.noLongerRefusedKeys, "key")))"
    }

    /// The warning about sends that name a limit the plan deletes, or nil when there are none.
    static func removedLimits(_ report: SimulationReport) -> String? {
        let totals = report.totals
        guard totals.namingRemovedLimits > 0 else { return nil }
        let names = report.removedLimitsNamed.joined(separator: ", ")
        return "\(count(totals.namingRemovedLimits, "send")) name \(names), which the plan deletes: the API refuses "
            + "such sends (400, no limit of that name) until the apps stop naming it; they are counted as admitted here"
    }

    static func limitLine(_ limit: SimulationReport.LimitResult) -> String {
        "refused \(beforeAfter(limit.refusedBefore, limit.refusedAfter)); \(grouped(limit.newlyRefused)) newly refused "
            + "(\(count(limit.newlyRefusedKeys.count, "key"))), \(grouped(limit.noLongerRefused)) no longer "
            + "refused (\(SimulationText.count(limit.noLongerRefusedKeys.count, "key")))"
    }

    /// `120 → 180 (+60)`, or `12 (no change)`.
    static func beforeAfter(_ before: Int, _ after: Int) -> String {
        guard before != after else { return "\(grouped(before)) (no change)" }
        let change = after - before
        return "\(grouped(before)) → \(grouped(after)) (\(change > 0 ? "+" : "")\(grouped(change)))"
    }

    /// `3 per 10m`, or `-` for a bucket the policy lacks.
    static func settings(_ settings: SimulationReport.Settings?) -> String {
        settings.map { "\($0.max) per \(DurationText.format($0.interval))" } ?? "-"
    }

    /// `burst 3/3 (100%)`.
    static func peak(_ peak: SimulationReport.Peak) -> String {
        "\(peak.bucket) \(peak.peak)/\(peak.max) (\(Int((peak.share * 100).rounded()))%)"
    }

    static func symbol(_ status: SimulationReport.LimitStatus) -> String {
        switch status {
        case .unchanged: " "
        case .changed: "~"
        case .added: "+"
        case .removed: "-"
        }
    }
}

extension String {
    fileprivate var trimmingTrailingSpaces: String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
