import PolicyModel
import YAMLNodes

/// Reads a YAML node tree by hand into typed values, turning every mistake into a located diagnostic and
/// carrying on, so one run reports all of them.
struct NodeReader {
    /// The file being read, as it appears in diagnostics.
    let file: String
    /// Where `${…}` references are looked up; nil leaves them as written (the project file's are resolved only
    /// when its environment is used).
    let scope: VariableScope?
    /// What has been found so far.
    private(set) var diagnostics: [Diagnostic] = []
    /// How many of `diagnostics` are errors, counted as they are added, so a decoder can ask after every object.
    private(set) var errorCount = 0

    init(file: String, scope: VariableScope?) {
        self.file = file
        self.scope = scope
    }

    func location(_ node: YAMLNode) -> SourceLocation {
        SourceLocation(file: file, line: max(node.start.line, 1), column: max(node.start.column, 1))
    }

    func location(_ mark: YAMLMark) -> SourceLocation {
        SourceLocation(file: file, line: max(mark.line, 1), column: max(mark.column, 1))
    }

    mutating func report(_ diagnostic: Diagnostic) {
        diagnostics.append(diagnostic)
        if diagnostic.severity == .error { errorCount += 1 }
    }

    mutating func error(_ code: String, _ message: String, at node: YAMLNode, hint: String? = nil) {
        report(.error(code, message, at: location(node), hint: hint))
    }

    /// The mapping's pairs with `known` keys, reporting unknown and repeated keys; nil (reported) when `node` is
    /// not a mapping. A null node is an empty mapping. `what` is only built when there is something to report.
    mutating func mapping(
        _ node: YAMLNode, what: @autoclosure () -> String, known: [String]
    ) -> [(key: String, keyNode: YAMLNode, value: YAMLNode)]? {
        guard let pairs = node.mappingPairs else {
            if node.isNull { return [] }
            error("wrong-type", "\(what()) must be a mapping, got \(describe(node))", at: node)
            return nil
        }
        // Where each text key first appears: looked up in a dictionary for large mappings, found among the earlier
        // pairs for the small ones objects are made of.
        let isSmall = pairs.count <= Self.smallMappingSize
        var seen: [String: YAMLNode] = [:]
        var result: [(key: String, keyNode: YAMLNode, value: YAMLNode)] = []
        result.reserveCapacity(pairs.count)
        for (index, (keyNode, value)) in pairs.enumerated() {
            guard let key = keyNode.scalarValue else {
                error("wrong-type", "keys in \(what()) must be text", at: keyNode)
                continue
            }
            let first = isSmall ? pairs[..<index].first { $0.key.scalarValue == key }?.key : seen[key]
            if let first {
                report(
                    .error(
                        "duplicate-key", "key '\(key)' is repeated in \(what())", at: location(keyNode),
                        notes: [.init("first given here", at: location(first))]
                    )
                )
                continue
            }
            if !isSmall { seen[key] = keyNode }
            guard known.isEmpty || known.contains(key) else {
                error(
                    "unknown-key", "unknown key '\(key)' in \(what())", at: keyNode,
                    hint: Suggestion.hint(for: key, in: known) ?? "expected one of: \(known.joined(separator: ", "))"
                )
                continue
            }
            result.append((key, keyNode, value))
        }
        return result
    }

    /// Mappings up to this many pairs find repeated keys by comparing with the earlier pairs.
    private static let smallMappingSize = 12

    /// The scalar with variables filled in, or nil (reported) when a reference cannot be filled in.
    mutating func resolved(_ node: YAMLNode) -> YAMLNode? {
        guard let scope else { return node }
        do {
            return try Interpolation.resolve(node, in: scope)
        } catch {
            report(.interpolationFailure(error, at: location(node), scope: scope))
            return nil
        }
    }

    /// Text; with `numbersAsText`, an unquoted number is taken as its digits (`from: +41445550000`).
    mutating func string(
        _ node: YAMLNode, what: @autoclosure () -> String, numbersAsText: Bool = false
    ) -> String? {
        guard let node = resolved(node) else { return nil }
        let type = node.scalarType
        let isNumber = type == .int || type == .float
        guard let text = node.scalarValue, type == .string || (numbersAsText && isNumber) else {
            error(
                "wrong-type", "\(what()) must be text, got \(describe(node))", at: node,
                hint: node.isScalar && !node.isNull ? "put it in quotes" : nil
            )
            return nil
        }
        return text
    }

    mutating func int(_ node: YAMLNode, what: @autoclosure () -> String) -> Int? {
        guard let node = resolved(node) else { return nil }
        let isInt = node.scalarType == .int
        if isInt, let value = node.int { return value }
        if isInt {
            error("out-of-range", "\(what()) is too large, got \(describe(node))", at: node)
            return nil
        }
        error("wrong-type", "\(what()) must be a whole number, got \(describe(node))", at: node)
        return nil
    }

    mutating func bool(_ node: YAMLNode, what: @autoclosure () -> String) -> Bool? {
        guard let node = resolved(node) else { return nil }
        if let value = node.bool { return value }
        error("wrong-type", "\(what()) must be true or false, got \(describe(node))", at: node)
        return nil
    }

    mutating func double(_ node: YAMLNode, what: @autoclosure () -> String) -> Double? {
        guard let node = resolved(node) else { return nil }
        if let value = node.double { return value }
        error("wrong-type", "\(what()) must be a number, got \(describe(node))", at: node)
        return nil
    }

    /// Seconds from a scalar that reads as a duration (`90`, `90s`, `10m`, `1h30m` or `7d`), or nil.
    static func durationValue(_ node: YAMLNode) -> Int? {
        let type = node.scalarType
        if type == .int, let value = node.int, value >= 0 { return value }
        guard let text = node.scalarValue, type != .null else { return nil }
        return DurationText.seconds(text)
    }

    /// Seconds from `90`, `90s`, `10m`, `1h30m` or `7d`.
    mutating func duration(_ node: YAMLNode, what: @autoclosure () -> String) -> Int? {
        guard let node = resolved(node) else { return nil }
        if let seconds = Self.durationValue(node) { return seconds }
        guard let text = node.scalarValue, node.scalarType != .null else {
            reportInvalidDuration(node, what: what())
            return nil
        }
        if DurationText.isWellFormed(text) {
            error("duration-out-of-range", "\(what()) is too large, got \(describe(node))", at: node)
            return nil
        }
        reportInvalidDuration(node, what: what())
        return nil
    }

    private mutating func reportInvalidDuration(_ node: YAMLNode, what: String) {
        error(
            "invalid-duration", "\(what) must be a duration such as 90s, 10m, 24h or 7d, got \(describe(node))",
            at: node, hint: "write whole seconds or number-unit parts, largest unit first: 1h30m"
        )
    }

    /// The sequence's items, or nil (reported) when `node` is not a sequence.
    mutating func list(_ node: YAMLNode, what: @autoclosure () -> String) -> [YAMLNode]? {
        guard let items = node.sequenceItems else {
            error("wrong-type", "\(what()) must be a list, got \(describe(node))", at: node)
            return nil
        }
        return items
    }

    /// `a mapping`, `a list`, `null`, `the number 3`, `"abc"`, for messages.
    func describe(_ node: YAMLNode) -> String {
        if node.isMapping { return "a mapping" }
        if node.isSequence { return "a list" }
        if node.isNull { return "nothing" }
        let text = node.scalarValue ?? ""
        let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
        switch node.scalarType {
        case .int?, .float?: return "the number \(shown)"
        case .bool?: return shown
        default: return "'\(shown)'"
        }
    }
}

extension Diagnostic {
    /// A `${…}` reference in a manifest that cannot be filled in.
    static func interpolationFailure(
        _ failure: Interpolation.Failure, at location: SourceLocation, scope: VariableScope
    ) -> Diagnostic {
        let origin = scope.origin.isEmpty ? "" : " in \(scope.origin)"
        switch failure {
        case .undefinedVariable(let name):
            return .error(
                "undefined-variable", "variable '\(name)' is not defined\(origin)", at: location,
                hint: Suggestion.hint(for: name, in: Array(scope.variables.keys))
                    ?? "define it under the environment's variables in mitto-policy.yaml"
            )
        case .environmentReference(let name):
            // The hint names the variable, never its value: the value may be a secret.
            let variable = name.lowercased()
            return .error(
                "env-in-manifest",
                "a manifest cannot read the environment: ${env:\(name)} would put its value into the plan, the "
                    + "pull-request comment and the account",
                at: location,
                hint: "define a variable in the environment's variables in mitto-policy.yaml "
                    + "(variables: {\(variable): ${env:\(name)}}) and write ${var.\(variable)} here"
            )
        case .unsetEnvironmentVariable(let variable, let environmentVariable):
            return .error(
                "undefined-variable",
                "variable '\(variable)'\(origin) reads the environment variable \(environmentVariable), which is not set",
                at: location, hint: "set \(environmentVariable), or give '\(variable)' a value in mitto-policy.yaml"
            )
        }
    }
}
