import PolicyModel
import YAMLNodes

/// Turns one manifest document's node tree into limits and workflows, reporting every problem at its place.
struct ManifestDecoder {
    private(set) var reader: NodeReader
    private(set) var limits: [Declared<Limit>] = []
    private(set) var workflows: [Declared<Workflow>] = []

    static let limitKeys = ["description", "previousName", "buckets"]
    static let bucketKeys = ["name", "max", "interval"]
    static let workflowKeys = ["description", "previousName", "codeLength", "codeTtl", "maxAttempts", "steps"]
    static let stepKeys = ["channel", "timeout", "body", "from", "language", "voice", "repeat", "emailFrom", "subject"]

    init(file: String, scope: VariableScope) {
        reader = NodeReader(file: file, scope: scope)
    }

    mutating func decode(document root: YAMLNode) {
        guard let sections = reader.mapping(root, what: "a manifest", known: ["limits", "workflows"]) else { return }
        for (section, _, value) in sections {
            guard let objects = reader.mapping(value, what: "'\(section)'", known: []) else { continue }
            for (name, keyNode, definition) in objects {
                guard checkName(name, at: keyNode, kind: section == "limits" ? "limit" : "workflow") else { continue }
                if section == "limits" {
                    decodeLimit(name, at: keyNode, definition)
                } else {
                    decodeWorkflow(name, at: keyNode, definition)
                }
            }
        }
    }

    private mutating func checkName(_ name: String, at node: YAMLNode, kind: String) -> Bool {
        guard PolicyRules.isValidName(name) else {
            reader.error(
                "invalid-name",
                "\(kind) name '\(name)' must be 1 to \(PolicyRules.nameMaxLength) characters of A-Z a-z 0-9 _ . -",
                at: node
            )
            return false
        }
        return true
    }

    // MARK: Limits

    private mutating func decodeLimit(_ name: String, at nameNode: YAMLNode, _ node: YAMLNode) {
        let what = "limit '\(name)'"
        guard let fields = reader.mapping(node, what: what, known: Self.limitKeys) else { return }
        var description: String?
        var previousName: String?
        var buckets: [Bucket] = []
        var bucketNodes: [YAMLNode] = []
        var complete = true
        for (key, _, value) in fields {
            switch key {
            case "description": description = reader.string(value, what: "description")
            case "previousName": previousName = self.previousName(value)
            case "buckets":
                guard let items = reader.list(value, what: "buckets") else {
                    complete = false
                    continue
                }
                bucketNodes = items
                for item in items {
                    if let bucket = decodeBucket(item) { buckets.append(bucket) } else { complete = false }
                }
            default: break
            }
        }
        if !fields.contains(where: { $0.key == "buckets" }) {
            reader.error(
                "missing-key", "\(what) needs 'buckets'", at: nameNode, hint: "add buckets: [{name, max, interval}]")
            complete = false
        }
        guard complete else { return }
        let limit = Limit(name: name, description: description, buckets: buckets)
        let nodes = ["buckets": fields.first { $0.key == "buckets" }?.value].compactMapValues { $0 }
        report(PolicyRules.problems(in: limit), object: nameNode, fields: nodes, items: ["buckets": bucketNodes])
        warnAboutBuckets(buckets, nodes: bucketNodes)
        limits.append(Declared(limit, previousName: previousName, location: reader.location(nameNode)))
    }

    private mutating func decodeBucket(_ node: YAMLNode) -> Bucket? {
        guard let fields = reader.mapping(node, what: "a bucket", known: Self.bucketKeys) else { return nil }
        var name: String?
        var max: Int?
        var interval: Int?
        for (key, _, value) in fields {
            switch key {
            case "name": name = reader.string(value, what: "a bucket's name")
            case "max": max = reader.int(value, what: "max")
            case "interval": interval = reader.duration(value, what: "interval")
            default: break
            }
        }
        for key in Self.bucketKeys where !fields.contains(where: { $0.key == key }) {
            reader.error("missing-key", "a bucket needs '\(key)'", at: node)
        }
        guard let name, let max, let interval else { return nil }
        return Bucket(name: name, max: max, interval: interval)
    }

    private mutating func warnAboutBuckets(_ buckets: [Bucket], nodes: [YAMLNode]) {
        for (bucket, node) in zip(buckets, nodes) {
            let place = reader.location(node)
            if bucket.max >= PolicyRules.bucketMax.upperBound {
                reader.report(
                    .warning(
                        "loose-bucket", "bucket '\(bucket.name)' allows \(bucket.max) sends and never binds",
                        at: place, hint: "lower max, or remove the bucket"
                    )
                )
            }
            if bucket.max == 1 && bucket.interval > 86_400 {
                reader.report(
                    .warning(
                        "lockout-bucket",
                        "bucket '\(bucket.name)' allows 1 send per \(DurationText.format(bucket.interval)): after one "
                            + "code a user is locked out for that long",
                        at: place, hint: "allow a few sends, or use a shorter interval"
                    )
                )
            }
        }
        guard buckets.count == 2, nodes.count == 2 else { return }
        for (index, other) in [(0, 1), (1, 0)] {
            let short = buckets[index]
            let long = buckets[other]
            let shadowed =
                short.interval <= long.interval && short.max >= long.max
                && (short.interval < long.interval || short.max > long.max)
            if shadowed {
                reader.report(
                    .warning(
                        "shadowed-bucket",
                        "bucket '\(short.name)' (\(short.max) per \(DurationText.format(short.interval))) can never "
                            + "refuse a send: '\(long.name)' allows only \(long.max) per "
                            + "\(DurationText.format(long.interval))",
                        at: reader.location(nodes[index]),
                        hint: "give the shorter window the smaller max"
                    )
                )
            }
        }
    }

    // MARK: Workflows

    private mutating func decodeWorkflow(_ name: String, at nameNode: YAMLNode, _ node: YAMLNode) {
        let what = "workflow '\(name)'"
        guard let fields = reader.mapping(node, what: what, known: Self.workflowKeys) else { return }
        var workflow = Workflow(name: name, steps: [])
        var previousName: String?
        var stepNodes: [YAMLNode] = []
        var complete = true
        for (key, _, value) in fields {
            switch key {
            case "description": workflow.description = reader.string(value, what: "description")
            case "previousName": previousName = self.previousName(value)
            case "codeLength":
                if let number = reader.int(value, what: "codeLength") {
                    workflow.codeLength = number
                } else {
                    complete = false
                }
            case "codeTtl":
                if let seconds = reader.duration(value, what: "codeTtl") {
                    workflow.codeTtl = seconds
                } else {
                    complete = false
                }
            case "maxAttempts":
                if let number = reader.int(value, what: "maxAttempts") {
                    workflow.maxAttempts = number
                } else {
                    complete = false
                }
            case "steps":
                guard let items = reader.list(value, what: "steps") else {
                    complete = false
                    continue
                }
                stepNodes = items
                for item in items {
                    if let step = decodeStep(item) { workflow.steps.append(step) } else { complete = false }
                }
            default: break
            }
        }
        if !fields.contains(where: { $0.key == "steps" }) {
            reader.error(
                "missing-key", "\(what) needs 'steps'", at: nameNode, hint: "add steps: [{channel, body, timeout}]")
            complete = false
        }
        guard complete else { return }
        let nodes = Dictionary(fields.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        report(PolicyRules.problems(in: workflow), object: nameNode, fields: nodes, items: ["steps": stepNodes])
        workflows.append(Declared(workflow, previousName: previousName, location: reader.location(nameNode)))
    }

    private mutating func decodeStep(_ node: YAMLNode) -> Step? {
        guard let fields = reader.mapping(node, what: "a step", known: Self.stepKeys) else { return nil }
        var channel: Channel?
        var timeout: Int?
        var body: String?
        var step = Step(channel: .sms, timeout: 0, body: "")
        var complete = true
        for (key, _, value) in fields {
            switch key {
            case "channel":
                if let text = reader.string(value, what: "channel") {
                    channel = Channel(rawValue: text)
                    if channel == nil {
                        reader.error(
                            "invalid-value", "channel must be sms, call or email, got '\(text)'", at: value,
                            hint: Suggestion.hint(for: text, in: Channel.allCases.map(\.rawValue))
                        )
                    }
                }
            case "timeout": timeout = reader.duration(value, what: "timeout")
            case "body": body = reader.string(value, what: "body")
            case "from": step.from = reader.string(value, what: "from", numbersAsText: true)
            case "language": step.language = reader.string(value, what: "language")
            case "voice":
                if let text = reader.string(value, what: "voice") {
                    step.voice = Voice(rawValue: text)
                    if step.voice == nil {
                        reader.error("invalid-value", "voice must be man or woman, got '\(text)'", at: value)
                        complete = false
                    }
                }
            case "repeat": step.repeat = reader.int(value, what: "repeat")
            case "emailFrom": step.emailFrom = reader.string(value, what: "emailFrom")
            case "subject": step.subject = reader.string(value, what: "subject")
            default: break
            }
        }
        for key in ["channel", "timeout", "body"] where !fields.contains(where: { $0.key == key }) {
            reader.error("missing-key", "a step needs '\(key)'", at: node)
        }
        guard complete, let channel, let timeout, let body else { return nil }
        step.channel = channel
        step.timeout = timeout
        step.body = body
        return step
    }

    private mutating func previousName(_ node: YAMLNode) -> String? {
        guard let text = reader.string(node, what: "previousName") else { return nil }
        guard PolicyRules.isValidName(text) else {
            reader.error("invalid-name", "previousName '\(text)' is not a valid name", at: node)
            return nil
        }
        return text
    }

    // MARK: Problems from the shared rules

    /// Reports the API's rule violations at the node each one names; duration fields get duration wording.
    private mutating func report(
        _ problems: [FieldProblem], object: YAMLNode, fields: [String: YAMLNode], items: [String: [YAMLNode]]
    ) {
        for problem in problems {
            let node = Self.node(for: problem.field, fields: fields, items: items) ?? object
            reader.error(Self.code(for: problem), Self.message(for: problem), at: node)
        }
    }

    private static func node(for path: FieldPath, fields: [String: YAMLNode], items: [String: [YAMLNode]]) -> YAMLNode?
    {
        guard case .key(let first)? = path.components.first else { return nil }
        var node = fields[first]
        var rest = path.components.dropFirst()
        if case .index(let index)? = rest.first, let list = items[first], list.indices.contains(index) {
            node = list[index]
            rest = rest.dropFirst()
        }
        for component in rest {
            guard case .key(let key) = component, let next = node?[key] else { return node }
            node = next
        }
        return node
    }

    private static func code(for problem: FieldProblem) -> String {
        switch problem.kind {
        case .missing: "missing-key"
        case .wrongType: "wrong-type"
        case .outOfRange: "out-of-range"
        case .invalidFormat: "invalid-value"
        case .unknownField: "unknown-key"
        case .duplicate: "duplicate-bucket"
        case .inconsistent: "inconsistent"
        case .missingCodePlaceholder: "body-without-code"
        case .timeoutsExceedTtl: "timeouts-exceed-ttl"
        case .wrongChannelField: "wrong-channel-field"
        }
    }

    private static let durationFields: [String: ClosedRange<Int>] = [
        "interval": PolicyRules.bucketInterval, "codeTtl": PolicyRules.codeTtl, "timeout": PolicyRules.stepTimeout,
    ]

    private static func message(for problem: FieldProblem) -> String {
        let field = problem.field.description
        guard problem.kind == .outOfRange, case .key(let last)? = problem.field.components.last,
            let range = durationFields[last], let got = Int(problem.message.split(separator: " ").last ?? "")
        else { return "\(field) \(problem.message)" }
        return "\(field) must be between \(DurationText.format(range.lowerBound)) and "
            + "\(DurationText.format(range.upperBound)), got \(DurationText.format(got))"
    }
}
