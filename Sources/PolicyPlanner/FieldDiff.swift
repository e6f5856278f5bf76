public import PolicyModel

/// Field-by-field differences, with the risk of each; buckets are matched by name, steps by position (their order
/// is the order codes are sent in).
public enum FieldDiff {
    /// The fields that differ from `before` to `after`.
    public static func limit(_ before: Limit, _ after: Limit) -> [FieldChange] {
        var changes: [FieldChange] = []
        if before.name != after.name {
            changes.append(.init(field: "name", before: .text(before.name), after: .text(after.name), risk: .neutral))
        }
        changes += text("description", before.description, after.description)
        // Buckets are matched by name (unique within a limit), not by position: reordering them changes nothing,
        // and removing one shows that bucket removed rather than every later bucket changed.
        let oldByName = Dictionary(before.buckets.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let newNames = Set(after.buckets.map(\.name))
        for new in after.buckets {
            let path = "buckets[\(new.name)]"
            guard let old = oldByName[new.name] else {
                changes.append(.init(field: path, before: .none, after: .text(describe(new)), risk: .tighten))
                continue
            }
            changes += number("\(path).max", old.max, new.max, higherIs: .loosen)
            changes += number("\(path).interval", old.interval, new.interval, higherIs: .tighten, duration: true)
        }
        for old in before.buckets where !newNames.contains(old.name) {
            changes.append(
                .init(field: "buckets[\(old.name)]", before: .text(describe(old)), after: .none, risk: .loosen))
        }
        return changes
    }

    /// The fields that differ from `before` to `after`.
    public static func workflow(_ before: Workflow, _ after: Workflow) -> [FieldChange] {
        var changes: [FieldChange] = []
        if before.name != after.name {
            changes.append(.init(field: "name", before: .text(before.name), after: .text(after.name), risk: .neutral))
        }
        changes += text("description", before.description, after.description)
        changes += number("codeLength", before.codeLength, after.codeLength, higherIs: .tighten)
        changes += number("codeTtl", before.codeTtl, after.codeTtl, higherIs: .loosen, duration: true)
        changes += number("maxAttempts", before.maxAttempts, after.maxAttempts, higherIs: .loosen)
        for index in 0..<max(before.steps.count, after.steps.count) {
            let path = "steps[\(index)]"
            let old = index < before.steps.count ? before.steps[index] : nil
            let new = index < after.steps.count ? after.steps[index] : nil
            switch (old, new) {
            case (let old?, let new?):
                changes += text("\(path).channel", old.channel.rawValue, new.channel.rawValue)
                changes += number("\(path).timeout", old.timeout, new.timeout, higherIs: .neutral, duration: true)
                changes += text("\(path).from", old.from, new.from)
                changes += text("\(path).body", old.body, new.body)
                changes += text("\(path).language", old.language, new.language)
                changes += text("\(path).voice", old.voice?.rawValue, new.voice?.rawValue)
                changes += optionalNumber("\(path).repeat", old.repeat, new.repeat)
                changes += text("\(path).emailFrom", old.emailFrom, new.emailFrom)
                changes += text("\(path).subject", old.subject, new.subject)
            case (let old?, nil):
                changes.append(.init(field: path, before: .text(describe(old)), after: .none, risk: .loosen))
            case (nil, let new?):
                changes.append(.init(field: path, before: .none, after: .text(describe(new)), risk: .tighten))
            case (nil, nil): break
            }
        }
        return changes
    }

    /// `burst: 3 per 10m`.
    public static func describe(_ bucket: Bucket) -> String {
        "\(bucket.name): \(bucket.max) per \(DurationText.format(bucket.interval))"
    }

    /// `sms after 60s`.
    public static func describe(_ step: Step) -> String {
        "\(step.channel.rawValue), \(DurationText.format(step.timeout)) timeout"
    }

    private static func text(_ field: String, _ old: String?, _ new: String?) -> [FieldChange] {
        guard old != new else { return [] }
        return [
            .init(
                field: field, before: old.map(FieldValue.text) ?? .none, after: new.map(FieldValue.text) ?? .none,
                risk: .neutral)
        ]
    }

    private static func number(
        _ field: String, _ old: Int, _ new: Int, higherIs: Risk, duration: Bool = false
    ) -> [FieldChange] {
        guard old != new else { return [] }
        let risk: Risk =
            switch higherIs {
            case .neutral: .neutral
            case .loosen: new > old ? .loosen : .tighten
            case .tighten: new > old ? .tighten : .loosen
            }
        return [.init(field: field, before: .int(old), after: .int(new), risk: risk, isDuration: duration)]
    }

    private static func optionalNumber(_ field: String, _ old: Int?, _ new: Int?) -> [FieldChange] {
        guard old != new else { return [] }
        return [
            .init(
                field: field, before: old.map(FieldValue.int) ?? .none, after: new.map(FieldValue.int) ?? .none,
                risk: .neutral)
        ]
    }
}
