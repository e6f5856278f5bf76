import Foundation
import PolicyModel
import YAMLNodes

/// Turns one manifest document's node tree into limits and workflows, reporting every problem at its place.
struct ManifestDecoder {
    var reader: NodeReader
    private(set) var limits: [Declared<Limit>] = []
    private(set) var workflows: [Declared<Workflow>] = []
    /// The policy tests, as written (their references are checked once every file is read).
    var tests: [PolicyTest] = []
    /// Whether the file may hold only `tests:` (a file of the project's `tests` paths).
    let testsOnly: Bool
    /// Every object name the document declares, broken ones included, for the duplicate check.
    private(set) var declaredNames: [(kind: ResourceKind, name: String, location: SourceLocation)] = []

    static let limitKeys = ["description", "previousName", "buckets"]
    static let bucketKeys = ["name", "max", "interval"]
    static let workflowKeys = ["description", "previousName", "codeLength", "codeTtl", "maxAttempts", "steps"]
    static let stepKeys = ["channel", "timeout", "body", "from", "language", "voice", "repeat", "emailFrom", "subject"]

    init(file: String, scope: VariableScope, testsOnly: Bool = false) {
        reader = NodeReader(file: file, scope: scope)
        self.testsOnly = testsOnly
    }

    /// The root keys whose objects the parser may hand over one by one (see `decode(streamed:)`).
    static let sections: Set<String> = ["limits", "workflows"]

    /// Each section whose objects came streamed, by where it starts: where each object name was first given.
    private var streamedNames: [Int: [String: SourceLocation]] = [:]
    /// The first section of each name in each document, by where it starts.
    private var firstSections: [SectionKey: Int] = [:]

    private struct SectionKey: Hashable {
        var document: Int
        var name: String
    }

    mutating func decode(document root: YAMLNode) {
        let known = testsOnly ? ["tests"] : Self.sections.sorted() + ["tests"]
        guard let sections = reader.mapping(root, what: testsOnly ? "a test file" : "a manifest", known: known) else {
            return
        }
        for (section, _, value) in sections {
            if section == "tests" {
                decodeTests(value)
                continue
            }
            // A section whose objects were streamed is empty here: they were decoded as they were parsed.
            guard let objects = reader.mapping(value, what: "'\(section)'", known: []) else { continue }
            for (name, keyNode, definition) in objects {
                decodeObject(section: section, name: name, keyNode: keyNode, definition)
            }
        }
    }

    /// Decodes one object as soon as the parser completes it, so the document never holds it. The checks
    /// `NodeReader.mapping` makes of a section's keys are made here, since the tree no longer has them: a key that
    /// is not text, or that repeats an earlier one of its section, is an error and its object is not read. Every
    /// object of a section repeated in the same document is skipped (the document pass reports the section).
    mutating func decode(streamed entry: YAMLParser.StreamedEntry) {
        // A test file's limits or workflows are reported as unknown keys by the document pass.
        guard !testsOnly, let section = entry.section.scalarValue else { return }
        let start = entry.section.start.offset
        let key = SectionKey(document: entry.document, name: section)
        if let first = firstSections[key] {
            guard first == start else { return }
        } else {
            firstSections[key] = start
        }
        guard let name = entry.key.scalarValue else {
            reader.error("wrong-type", "keys in '\(section)' must be text", at: entry.key)
            return
        }
        let location = reader.location(entry.key)
        if let first = streamedNames[start, default: [:]].updateValue(location, forKey: name) {
            streamedNames[start]?[name] = first
            reader.report(
                .error(
                    "duplicate-key", "key '\(name)' is repeated in '\(section)'", at: location,
                    notes: [.init("first given here", at: first)]
                )
            )
            return
        }
        decodeObject(section: section, name: name, keyNode: entry.key, entry.value)
    }

    private mutating func decodeObject(section: String, name: String, keyNode: YAMLNode, _ definition: YAMLNode) {
        guard checkName(name, at: keyNode, kind: section == "limits" ? "limit" : "workflow") else { return }
        declaredNames.append((section == "limits" ? .limit : .workflow, name, reader.location(keyNode)))
        if section == "limits" {
            decodeLimit(name, at: keyNode, definition)
        } else {
            decodeWorkflow(name, at: keyNode, definition)
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
        let errorsBefore = errorCount
        guard let fields = reader.mapping(node, what: "limit '\(name)'", known: Self.limitKeys) else { return }
        var failed = Set<String>()
        var description: String?
        var previousName: String?
        var buckets: [Bucket] = []
        var bucketNodes: [YAMLNode] = []
        for (key, _, value) in fields {
            switch key {
            case "description":
                description = reader.string(value, what: "description")
                if description == nil && !value.isNull { failed.insert("description") }
            case "previousName": previousName = self.previousName(value)
            case "buckets":
                guard let items = reader.list(value, what: "buckets") else {
                    failed.insert("buckets")
                    continue
                }
                bucketNodes = items
                buckets.reserveCapacity(items.count)
                for (index, item) in items.enumerated() {
                    buckets.append(decodeBucket(item, index: index, failed: &failed))
                }
            default: break
            }
        }
        if !fields.contains(where: { $0.key == "buckets" }) {
            reader.error(
                "missing-key", "limit '\(name)' needs 'buckets'", at: nameNode,
                hint: "add buckets: [{name, max, interval}]")
            failed.insert("buckets")
        }
        let limit = Limit(name: name, description: description, buckets: buckets)
        let problems = PolicyRules.problems(in: limit)
        if !problems.isEmpty {
            report(
                problems.filter { !Self.isCausedByEarlierError($0, failed: failed) },
                object: nameNode, fields: fields, items: ["buckets": bucketNodes]
            )
        }
        guard errorCount == errorsBefore else { return }
        warnAboutBuckets(buckets, nodes: bucketNodes)
        limits.append(Declared(limit, previousName: previousName, location: reader.location(nameNode)))
    }

    /// A bucket, with stand-in values for fields that could not be read (their paths go into `failed`), so the
    /// remaining fields are still checked.
    private mutating func decodeBucket(_ node: YAMLNode, index: Int, failed: inout Set<String>) -> Bucket {
        // Paths are spelled only for failures.
        var path: String { "buckets[\(index)]" }
        // A stand-in name no real bucket can have, so a failed name never counts as a duplicate.
        var standIn: String { "\u{0}\(path)" }
        var bucket = Bucket(name: "", max: 1, interval: 1)
        guard let fields = reader.mapping(node, what: "a bucket", known: Self.bucketKeys) else {
            failed.insert(path)
            bucket.name = standIn
            return bucket
        }
        for key in Self.bucketKeys {
            guard let value = fields.first(where: { $0.key == key })?.value else {
                reader.error("missing-key", "a bucket needs '\(key)'", at: node)
                failed.insert("\(path).\(key)")
                if key == "name" { bucket.name = standIn }
                continue
            }
            switch key {
            case "name":
                if let name = reader.string(value, what: "a bucket's name") {
                    bucket.name = name
                } else {
                    failed.insert("\(path).name")
                    bucket.name = standIn
                }
            case "max":
                if let max = reader.int(value, what: "max") { bucket.max = max } else { failed.insert("\(path).max") }
            default:
                if let interval = reader.duration(value, what: "interval") {
                    bucket.interval = interval
                } else {
                    failed.insert("\(path).interval")
                }
            }
        }
        return bucket
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
            // The longer window can hold at most this many sends the shorter one admits.
            let admitted = short.max * ((long.interval + short.interval - 1) / max(1, short.interval))
            if short.interval < long.interval && admitted <= long.max {
                reader.report(
                    .warning(
                        "never-refusing-bucket",
                        "bucket '\(long.name)' (\(long.max) per \(DurationText.format(long.interval))) can never "
                            + "refuse a send: '\(short.name)' (\(short.max) per \(DurationText.format(short.interval))) "
                            + "lets at most \(admitted) into any \(DurationText.format(long.interval))",
                        at: reader.location(nodes[other]),
                        hint: "lower its max below \(admitted), or remove it"
                    )
                )
            }
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
        report(
            PolicyRules.problems(in: workflow).filter { !Self.isCausedByEarlierError($0, failed: failed) },
            object: nameNode, fields: fields, items: ["steps": stepNodes]
        )
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

    /// Whether a rule violation only restates a field that already failed to read, or depends on one.
    private static func isCausedByEarlierError(_ problem: FieldProblem, failed: Set<String>) -> Bool {
        let field = problem.field.description
        if failed.contains(field) { return true }
        if failed.contains(where: { field.hasPrefix($0 + ".") || field.hasPrefix($0 + "[") }) { return true }
        switch problem.kind {
        case .timeoutsExceedTtl:
            return failed.contains("codeTtl") || failed.contains { $0.hasSuffix(".timeout") || $0 == "steps" }
        case .wrongChannelField, .missing:
            guard let step = field.range(of: #"^steps\[\d+\]"#, options: .regularExpression) else { return false }
            return failed.contains(String(field[step]) + ".channel")
        default:
            return false
        }
    }

    private var errorCount: Int { reader.errorCount }

    private mutating func previousName(_ node: YAMLNode) -> String? {
        guard let text = reader.string(node, what: "previousName") else { return nil }
        guard PolicyRules.isValidName(text) else {
            reader.error("invalid-name", "previousName '\(text)' is not a valid name", at: node)
            return nil
        }
        return text
    }

    // MARK: Problems from the shared rules

    /// Reports the API's rule violations at the node each one names; a rule about a whole list (its length, its
    /// timeouts) points at the list's key. Duration fields get duration wording.
    private mutating func report(
        _ problems: [FieldProblem], object: YAMLNode, fields: [(key: String, keyNode: YAMLNode, value: YAMLNode)],
        items: [String: [YAMLNode]]
    ) {
        for problem in problems {
            let node: YAMLNode
            if problem.field.components.count == 1, case .key(let key)? = problem.field.components.first,
                items[key] != nil, let keyNode = fields.first(where: { $0.key == key })?.keyNode
            {
                node = keyNode
            } else {
                let values = Dictionary(fields.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
                node = Self.node(for: problem.field, fields: values, items: items) ?? object
            }
            var code = Self.code(for: problem)
            if problem.kind == .outOfRange, case .key(let last)? = problem.field.components.last,
                Self.durationFields[last] != nil
            {
                code = "duration-out-of-range"
            }
            if problem.kind == .invalidFormat, case .key("name")? = problem.field.components.last {
                code = "invalid-name"
            }
            reader.error(code, Self.message(for: problem), at: node)
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
        // These messages are sentences of their own, naming what they are about.
        if problem.kind == .timeoutsExceedTtl || problem.kind == .duplicate { return problem.message }
        guard problem.kind == .outOfRange, case .key(let last)? = problem.field.components.last,
            let range = durationFields[last], let got = Int(problem.message.split(separator: " ").last ?? "")
        else { return "\(field) \(problem.message)" }
        return "\(field) must be between \(DurationText.format(range.lowerBound)) and "
            + "\(DurationText.format(range.upperBound)), got \(DurationText.format(got))"
    }
}
