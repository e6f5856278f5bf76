import PolicyModel
import PolicyPlanner

/// The lines every format writes for a change, so the text plan, the drift report and the Markdown details say a
/// change the same way: `+ limit.limit_on_phone [tighten]  policy/limits.yaml:3:3`, then indented field lines.
enum ChangeText {
    /// The indentation of the lines under a change.
    static let indent = "    "

    /// `~ workflow.login [loosen] (renamed from signin)  policy/workflows.yaml:2:3`.
    static func header(
        _ change: PlannedChange, style: TextStyle, showsRisk: Bool = true, label: String? = nil
    ) -> String {
        let mark = "\(change.action.symbol) \(change.address)"
        var line =
            switch change.action {
            case .create: style.green(mark)
            case .update: style.yellow(mark)
            case .delete: style.red(mark)
            }
        if showsRisk { line += " " + riskLabel(change.risk, style: style) }
        if let label { line += " " + label }
        if let renamedFrom = change.renamedFrom { line += " (renamed from \(renamedFrom))" }
        if let source = change.source { line += "  " + style.dim(source.description) }
        return line
    }

    /// `[loosen]` stands out, because those are the changes a reviewer must not miss.
    static func riskLabel(_ risk: Risk, style: TextStyle) -> String {
        switch risk {
        case .loosen: style.red("[loosen]")
        case .tighten: "[tighten]"
        case .neutral: style.dim("[neutral]")
        }
    }

    /// The warning a partial plan or drift check carries, as Terraform warns of `-target`.
    static func partialNote(_ scope: AddressScope, noun: String) -> String {
        var parts: [String] = []
        if !scope.targets.isEmpty { parts.append("--target " + scope.targets.joined(separator: ", ")) }
        if !scope.excludes.isEmpty { parts.append("--exclude " + scope.excludes.joined(separator: ", ")) }
        return "this \(noun) is partial (\(parts.joined(separator: "; "))): objects outside it are neither shown "
            + "nor changed, so the account may still differ from the manifests."
    }

    /// What a drifted object's difference does to protection: the plan's risk read backwards (applying the manifest
    /// would tighten what someone loosened in the account). `loosened`, `tightened`, `changed`, or `missing` for a
    /// missing object whose absence loosens nothing.
    static func driftRisk(_ change: PlannedChange) -> String {
        switch (change.risk, change.action) {
        case (.tighten, _): "loosened"
        case (.loosen, _): "tightened"
        case (.neutral, .create): "missing"
        case (.neutral, _): "changed"
        }
    }

    /// `[loosened outside the manifests]`, in red for a loosening.
    static func driftLabel(_ change: PlannedChange, style: TextStyle) -> String {
        let risk = driftRisk(change)
        let text = risk == "missing" ? "[missing from the account]" : "[\(risk) outside the manifests]"
        return risk == "loosened" ? style.red(text) : risk == "tightened" ? text : style.dim(text)
    }

    /// The lines under a change, indented: a new object's fields, an update's changed fields, or what a delete
    /// removes.
    static func body(_ change: PlannedChange, style: TextStyle, showsRisk: Bool = true) -> [String] {
        let lines: [String]
        switch change.action {
        case .create:
            lines = change.after.map(objectLines) ?? []
        case .update:
            lines = change.fields.map { fieldLine($0, style: style, showsRisk: showsRisk) }
        case .delete:
            lines = (change.sid.map { ["sid: \($0)"] } ?? []) + (change.before.map(objectLines) ?? [])
        }
        return lines.map { indent + $0 }
    }

    /// `buckets[0].max: 3 → 5 [loosen]`; neutral changes carry no label.
    static func fieldLine(_ change: FieldChange, style: TextStyle, showsRisk: Bool) -> String {
        var line =
            "\(change.field): \(value(change.before, isDuration: change.isDuration)) → "
            + value(change.after, isDuration: change.isDuration)
        if showsRisk && change.risk != .neutral { line += " " + riskLabel(change.risk, style: style) }
        return line
    }

    /// A field's value: numbers plain, durations in units (`10m`), text quoted, absence as `(none)`.
    static func value(_ value: FieldValue, isDuration: Bool) -> String {
        switch value {
        case .int(let number): isDuration ? DurationText.format(number) : String(number)
        case .text(let text): quoted(text)
        case .none: "(none)"
        }
    }

    /// The set fields of an object, one a line, lists as `- ` items under their name.
    static func objectLines(_ object: PolicyObject) -> [String] {
        switch object {
        case .limit(let limit):
            var lines = limit.description.map { ["description: \(quoted($0))"] } ?? []
            lines.append("buckets:")
            lines += limit.buckets.map { "  - " + FieldDiff.describe($0) }
            return lines
        case .workflow(let workflow):
            var lines = workflow.description.map { ["description: \(quoted($0))"] } ?? []
            lines += [
                "codeLength: \(workflow.codeLength)",
                "codeTtl: \(DurationText.format(workflow.codeTtl))",
                "maxAttempts: \(workflow.maxAttempts)",
                "steps:",
            ]
            lines += workflow.steps.map { "  - " + describe($0) }
            return lines
        }
    }

    /// `sms, 1m timeout, from "ACME", body "Your ACME code is {code}"`: the body last, as it is the longest.
    static func describe(_ step: Step) -> String {
        var parts = [FieldDiff.describe(step)]
        if let from = step.from { parts.append("from \(quoted(from))") }
        if let emailFrom = step.emailFrom { parts.append("emailFrom \(quoted(emailFrom))") }
        if let subject = step.subject { parts.append("subject \(quoted(subject))") }
        if let language = step.language { parts.append("language \(quoted(language))") }
        if let voice = step.voice { parts.append("voice \(voice.rawValue)") }
        if let count = step.repeat { parts.append("repeat \(count)") }
        parts.append("body \(quoted(step.body))")
        return parts.joined(separator: ", ")
    }

    /// `text` in double quotes, with quotes, backslashes and control characters escaped so a value always stays on
    /// its line and cannot send escape codes to a terminal.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value):
                out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// `1 change`, `2 changes`.
    static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }
}
