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
