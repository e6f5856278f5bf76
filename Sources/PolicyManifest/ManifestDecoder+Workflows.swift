import Foundation
import PolicyModel
import YAMLNodes

/// Workflows: a workflow's fields and steps.
extension ManifestDecoder {
    mutating func decodeWorkflow(_ name: String, at nameNode: YAMLNode, _ node: YAMLNode) {
        var what: String { "workflow '\(name)'" }
        let errorsBefore = errorCount
        guard let fields = reader.mapping(node, what: what, known: Self.workflowKeys) else { return }
        var workflow = Workflow(name: name, steps: [])
        var failed = Set<String>()
        var previousName: String?
        var stepNodes: [YAMLNode] = []
        for (key, _, value) in fields {
            switch key {
            case "description":
                workflow.description = reader.string(value, what: "description")
                if workflow.description == nil && !value.isNull { failed.insert(key) }
            case "previousName": previousName = self.previousName(value)
            case "codeLength":
                if let number = reader.int(value, what: key) {
                    workflow.codeLength = number
                } else {
                    failed.insert(key)
                }
            case "codeTtl":
                if let seconds = reader.duration(value, what: key) {
                    workflow.codeTtl = seconds
                } else {
                    failed.insert(key)
                }
            case "maxAttempts":
                if let number = reader.int(value, what: key) {
                    workflow.maxAttempts = number
                } else {
                    failed.insert(key)
                }
            case "steps":
                guard let items = reader.list(value, what: "steps") else {
                    failed.insert("steps")
                    continue
                }
                stepNodes = items
                for (index, item) in items.enumerated() {
                    workflow.steps.append(decodeStep(item, index: index, failed: &failed))
                }
            default: break
            }
        }
        if !fields.contains(where: { $0.key == "steps" }) {
            reader.error(
                "missing-key", "\(what) needs 'steps'", at: nameNode, hint: "add steps: [{channel, body, timeout}]")
            failed.insert("steps")
        }
        let problems = PolicyRules.problems(in: workflow)
        if !problems.isEmpty {
            report(
                problems.filter { !Self.isCausedByEarlierError($0, failed: failed) },
                object: nameNode, fields: fields, items: ["steps": stepNodes]
            )
        }
        guard errorCount == errorsBefore else { return }
        workflows.append(Declared(workflow, previousName: previousName, location: reader.location(nameNode)))
    }

    /// Reads a workflow straight from its value's events when it has the common shape, as
    /// `decodeLimit(_:at:events:)` reads a limit: known keys once each, every scalar of its type with nothing to fill
    /// in, no tags or anchors, and no rule broken. Returns false, having reported nothing, for anything else.
    mutating func decodeWorkflow(_ name: String, at nameNode: YAMLNode, events: [YAMLEvent]) -> Bool {
        var reader = EventReader(events)
        guard reader.startsCollection(mapping: true) else { return false }
        var workflow = Workflow(name: name, steps: [])
        var previousName: String?
        // The keys met so far, one bit each (by their place in `workflowKeys`).
        var met = 0
        while !reader.endsCollection() {
            guard let key = reader.key(), let place = Self.workflowKeys.firstIndex(of: key),
                met & (1 << place) == 0
            else { return false }
            met |= 1 << place
            if key == "steps" {
                guard reader.startsCollection(mapping: false) else { return false }
                while !reader.endsCollection() {
                    guard let step = Self.step(&reader) else { return false }
                    workflow.steps.append(step)
                }
                continue
            }
            guard let value = reader.scalar() else { return false }
            switch key {
            case "description":
                guard let text = Self.text(value) else { return false }
                workflow.description = text
            case "previousName":
                guard let text = Self.text(value), PolicyRules.isValidName(text) else { return false }
                previousName = text
            case "codeLength":
                guard let number = Self.number(value) else { return false }
                workflow.codeLength = number
            case "codeTtl":
                guard let seconds = Self.duration(value) else { return false }
                workflow.codeTtl = seconds
            default:
                guard let number = Self.number(value) else { return false }
                workflow.maxAttempts = number
            }
        }
        let steps = 1 << Self.workflowKeys.firstIndex(of: "steps")!
        guard reader.isAtEnd, met & steps != 0, PolicyRules.problems(in: workflow).isEmpty else { return false }
        workflows.append(Declared(workflow, previousName: previousName, location: self.reader.location(nameNode)))
        return true
    }

    /// A step of the common shape from its events, or nil.
    private static func step(_ reader: inout EventReader) -> Step? {
        guard reader.startsCollection(mapping: true) else { return nil }
        var step = Step(channel: .sms, timeout: PolicyRules.stepTimeout.lowerBound, body: PolicyRules.codePlaceholder)
        // The keys met so far, one bit each (by their place in `stepKeys`, whose first three are required).
        var met = 0
        while !reader.endsCollection() {
            guard let key = reader.key(), let place = stepKeys.firstIndex(of: key),
                met & (1 << place) == 0, let value = reader.scalar()
            else { return nil }
            met |= 1 << place
            switch key {
            case "channel":
                guard let text = text(value), let channel = Channel(rawValue: text) else { return nil }
                step.channel = channel
            case "timeout":
                guard let seconds = duration(value) else { return nil }
                step.timeout = seconds
            case "voice":
                guard let text = text(value), let voice = Voice(rawValue: text) else { return nil }
                step.voice = voice
            case "repeat":
                guard let number = number(value) else { return nil }
                step.repeat = number
            default:
                guard let text = text(value, numbersAsText: key == "from") else { return nil }
                switch key {
                case "body": step.body = text
                case "from": step.from = text
                case "language": step.language = text
                case "emailFrom": step.emailFrom = text
                default: step.subject = text
                }
            }
        }
        guard met & 0b111 == 0b111 else { return nil }
        return step
    }

    /// A step, with stand-in values for fields that could not be read (their paths go into `failed`).
    private mutating func decodeStep(_ node: YAMLNode, index: Int, failed: inout Set<String>) -> Step {
        var path: String { "steps[\(index)]" }
        var step = Step(channel: .sms, timeout: PolicyRules.stepTimeout.lowerBound, body: PolicyRules.codePlaceholder)
        guard let fields = reader.mapping(node, what: "a step", known: Self.stepKeys) else {
            failed.insert(path)
            return step
        }
        for key in ["channel", "timeout", "body"] where !fields.contains(where: { $0.key == key }) {
            reader.error("missing-key", "a step needs '\(key)'", at: node)
            failed.insert("\(path).\(key)")
        }
        for (key, _, value) in fields {
            var ok = true
            switch key {
            case "channel":
                if let text = reader.string(value, what: "channel") {
                    if let channel = Channel(rawValue: text) {
                        step.channel = channel
                    } else {
                        reader.error(
                            "invalid-value", "channel must be sms, call or email, got '\(text)'", at: value,
                            hint: Suggestion.hint(for: text, in: Channel.allCases.map(\.rawValue))
                        )
                        ok = false
                    }
                } else {
                    ok = false
                }
            case "timeout":
                if let seconds = reader.duration(value, what: "timeout") { step.timeout = seconds } else { ok = false }
            case "body":
                if let body = reader.string(value, what: "body") { step.body = body } else { ok = false }
            case "from":
                step.from = reader.string(value, what: "from", numbersAsText: true)
                ok = step.from != nil
            case "language":
                step.language = reader.string(value, what: "language")
                ok = step.language != nil
            case "voice":
                if let text = reader.string(value, what: "voice") {
                    step.voice = Voice(rawValue: text)
                    if step.voice == nil {
                        reader.error("invalid-value", "voice must be man or woman, got '\(text)'", at: value)
                        // Keep the key present so a voice on a non-call step is still reported.
                        step.voice = .woman
                        failed.insert("\(path).voice.value")
                    }
                } else {
                    ok = false
                }
            case "repeat":
                step.repeat = reader.int(value, what: "repeat")
                ok = step.repeat != nil
            case "emailFrom":
                step.emailFrom = reader.string(value, what: "emailFrom")
                ok = step.emailFrom != nil
            case "subject":
                step.subject = reader.string(value, what: "subject")
                ok = step.subject != nil
            default: break
            }
            if !ok { failed.insert("\(path).\(key)") }
        }
        return step
    }
}
