import Foundation
import PolicyModel
import YAMLNodes

/// Turns one manifest document's node tree into limits and workflows, reporting every problem at its place.
struct ManifestDecoder {
    var reader: NodeReader
    var limits: [Declared<Limit>] = []
    var workflows: [Declared<Workflow>] = []
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

    /// Whether objects handed over as events are read straight from them (see `decodeLimit(_:at:events:)`).
    let objectsFromEvents: Bool

    init(file: String, scope: VariableScope, testsOnly: Bool = false, objectsFromEvents: Bool = true) {
        reader = NodeReader(file: file, scope: scope)
        self.testsOnly = testsOnly
        self.objectsFromEvents = objectsFromEvents
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
        decodeObject(section: section, name: name, keyNode: entry.key, events: entry.events, entry.value)
    }

    /// Decodes one object; `events`, when the parser handed its value over as them, are tried first, and its node
    /// (built only when needed) reads anything they cannot vouch for.
    private mutating func decodeObject(
        section: String, name: String, keyNode: YAMLNode, events: [YAMLEvent]? = nil,
        _ definition: @autoclosure () -> YAMLNode
    ) {
        guard checkName(name, at: keyNode, kind: section == "limits" ? "limit" : "workflow") else { return }
        declaredNames.append((section == "limits" ? .limit : .workflow, name, reader.location(keyNode)))
        let events = objectsFromEvents ? events : nil
        if section == "limits" {
            if let events, decodeLimit(name, at: keyNode, events: events) { return }
            decodeLimit(name, at: keyNode, definition())
        } else {
            if let events, decodeWorkflow(name, at: keyNode, events: events) { return }
            decodeWorkflow(name, at: keyNode, definition())
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

    /// Whether a rule violation only restates a field that already failed to read, or depends on one.
    static func isCausedByEarlierError(_ problem: FieldProblem, failed: Set<String>) -> Bool {
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

    var errorCount: Int { reader.errorCount }

    mutating func previousName(_ node: YAMLNode) -> String? {
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
    mutating func report(
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
