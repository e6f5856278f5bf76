import Foundation
import PolicyModel
import YAMLNodes

/// Reads `mitto-policy.yaml` node by node, like the manifest decoder.
struct ProjectFileDecoder {
    private(set) var reader: NodeReader
    /// Every `${env:NAME}` a value other than `apiKey` reads: what reads it, and where.
    private var environmentReads: [(what: String, name: String, node: YAMLNode)] = []
    /// The environment variables holding API keys, and the environment each is the key of.
    private var keyVariables: [String: String] = [:]

    static let topKeys = ["manifests", "tests", "environments", "safety", "ignore"]
    static let environmentKeys = ["endpoint", "accountSid", "apiKey", "apiKeyFile", "subAccount", "variables"]
    static let safetyKeys = ["allowDelete", "maxDeletes", "maxChangeShare", "protect"]

    init(file: String) {
        // The project file's own `${env:…}` references are resolved when an environment is used, not here.
        reader = NodeReader(file: file, scope: nil)
    }

    mutating func decode(_ documents: [YAMLDocument]) -> ProjectFile {
        var project = ProjectFile(path: reader.file)
        guard let root = documents.first?.root else { return project }
        if documents.count > 1 {
            reader.error("yaml-syntax", "the project file must be one YAML document", at: documents[1].root)
        }
        guard let fields = reader.mapping(root, what: "the project file", known: Self.topKeys) else { return project }
        for (key, _, value) in fields {
            switch key {
            case "manifests":
                if let paths = strings(value, what: "manifests"), !paths.isEmpty {
                    project.manifests = paths
                } else if value.sequenceItems?.isEmpty == true {
                    reader.error("out-of-range", "manifests must name at least one path", at: value)
                }
            case "tests":
                if let paths = strings(value, what: "tests") { project.tests = paths }
            case "environments": project.environments = environments(value)
            case "safety": project.safety = safety(value)
            case "ignore":
                guard let groups = reader.mapping(value, what: "ignore", known: ["limits", "workflows"]) else { break }
                for (kind, _, list) in groups {
                    let patterns = strings(list, what: "ignore.\(kind)") ?? []
                    if kind == "limits" {
                        project.ignore.limits = patterns
                    } else {
                        project.ignore.workflows = patterns
                    }
                }
            default: break
            }
        }
        checkReadsOfKeys()
        return project
    }

    /// Refuses a value that reads an environment variable some environment takes its API key from: a variable
    /// goes into manifests, and from there into plans, pull-request comments and the account.
    private mutating func checkReadsOfKeys() {
        for read in environmentReads {
            guard let owner = keyVariables[read.name] else { continue }
            reader.error(
                "reads-api-key",
                "\(read.what) reads \(read.name), the API key of environment '\(owner)'; a key may only be read by "
                    + "apiKey",
                at: read.node,
                hint: "values other than apiKey end up in plans, pull-request comments and the account; "
                    + "read another environment variable"
            )
        }
    }

    private mutating func strings(_ node: YAMLNode, what: String) -> [String]? {
        guard let items = reader.list(node, what: what) else { return nil }
        return items.compactMap { reader.string($0, what: "an entry of \(what)") }
    }

    private mutating func environments(_ node: YAMLNode) -> [EnvironmentSettings] {
        guard let entries = reader.mapping(node, what: "environments", known: []) else { return [] }
        var environments: [EnvironmentSettings] = []
        for (name, keyNode, value) in entries {
            guard !name.isEmpty,
                name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") })
            else {
                reader.error("invalid-name", "environment name '\(name)' must be A-Z a-z 0-9 _ -", at: keyNode)
                continue
            }
            environments.append(environment(name, keyNode: keyNode, value))
        }
        return environments
    }

    private mutating func environment(_ name: String, keyNode: YAMLNode, _ node: YAMLNode) -> EnvironmentSettings {
        var settings = EnvironmentSettings(name: name, location: reader.location(keyNode))
        let isLocal = name == ProjectFile.localEnvironment
        let known = isLocal ? ["variables"] : Self.environmentKeys
        guard let fields = reader.mapping(node, what: "environment '\(name)'", known: known) else { return settings }
        for (key, _, value) in fields {
            switch key {
            case "endpoint":
                guard let text = reader.string(value, what: "endpoint") else { break }
                if text.hasPrefix("http://") || text.hasPrefix("https://") {
                    settings.endpoint = text
                } else {
                    reader.error(
                        "invalid-value", "endpoint must be an http:// or https:// URL", at: value)
                }
            case "accountSid":
                guard let text = reader.string(value, what: "accountSid") else { break }
                if let variable = Self.environmentReference(text) {
                    environmentReads.append(("accountSid of environment '\(name)'", variable, value))
                    settings.accountSid = text
                } else if Self.isAccountSid(text) {
                    settings.accountSid = text
                } else {
                    reader.error(
                        "invalid-value", "accountSid must be AC and 32 hex digits, or ${env:NAME}", at: value
                    )
                }
            case "apiKey":
                guard let text = value.scalarValue, !value.isNull, !text.isEmpty else {
                    reader.error(
                        "wrong-type", "apiKey must be ${env:NAME}", at: value, hint: "apiKey: ${env:MITTO_API_KEY}")
                    break
                }
                if let variable = Self.environmentReference(text) {
                    settings.apiKey = .environmentVariable(variable)
                    keyVariables[variable] = keyVariables[variable] ?? name
                } else {
                    reader.error(
                        "secret-in-file", "apiKey is written into the project file, where git would keep it",
                        at: value,
                        hint: "use apiKey: ${env:MITTO_API_KEY}, or apiKeyFile: with a file only you can read"
                    )
                }
            case "apiKeyFile":
                // Relative to the project file, as manifest paths are.
                if let text = reader.string(value, what: "apiKeyFile") {
                    let directory = (reader.file as NSString).deletingLastPathComponent
                    let path =
                        text.hasPrefix("/") || directory.isEmpty
                        ? text : (directory as NSString).appendingPathComponent(text)
                    settings.apiKey = .file(path)
                }
            case "subAccount":
                guard let text = reader.string(value, what: "subAccount") else { break }
                if let variable = Self.environmentReference(text) {
                    environmentReads.append(("subAccount of environment '\(name)'", variable, value))
                    settings.subAccount = text
                } else if Self.isAccountSid(text) {
                    settings.subAccount = text
                } else {
                    reader.error(
                        "invalid-value", "subAccount must be AC and 32 hex digits, or ${env:NAME}",
                        at: value
                    )
                }
            case "variables": settings.variables = variables(value, environment: name)
            default: break
            }
        }
        if !isLocal {
            let keys = Set(fields.map(\.key))
            for required in ["endpoint", "accountSid"] where !keys.contains(required) {
                reader.error("missing-key", "environment '\(name)' needs '\(required)'", at: keyNode)
            }
            if keys.contains("apiKey") && keys.contains("apiKeyFile") {
                reader.error("inconsistent", "environment '\(name)' sets both apiKey and apiKeyFile", at: keyNode)
            } else if !keys.contains("apiKey") && !keys.contains("apiKeyFile") {
                reader.error(
                    "missing-key", "environment '\(name)' needs apiKey or apiKeyFile", at: keyNode,
                    hint: "apiKey: ${env:MITTO_API_KEY}"
                )
            }
        }
        return settings
    }

    private mutating func variables(_ node: YAMLNode, environment: String) -> [String: VariableValue] {
        guard let entries = reader.mapping(node, what: "variables", known: []) else { return [:] }
        var variables: [String: VariableValue] = [:]
        for (name, keyNode, value) in entries {
            let validName =
                name.first.map { $0.isLetter || $0 == "_" } == true
                && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
            guard validName else {
                reader.error("invalid-name", "variable name '\(name)' must be A-Z a-z 0-9 _", at: keyNode)
                continue
            }
            if let number = value.int {
                variables[name] = .int(number)
            } else if let flag = value.bool {
                variables[name] = .bool(flag)
            } else if let number = value.double, value.scalarType == .float {
                variables[name] = .double(number)
            } else if let text = value.scalarValue, !value.isNull {
                if let variable = Self.environmentReference(text) {
                    environmentReads.append(("variable '\(name)' of environment '\(environment)'", variable, value))
                    variables[name] = .environmentVariable(variable)
                } else if text.contains("${env:") {
                    reader.error(
                        "invalid-value",
                        "variable '\(name)' reads the environment only when it is exactly ${env:NAME}",
                        at: value, hint: "write \(name): ${env:NAME} and put any other text around ${var.\(name)}"
                    )
                } else {
                    variables[name] = .string(text)
                }
            } else {
                reader.error("wrong-type", "variable '\(name)' must be text, a number or true/false", at: value)
            }
        }
        return variables
    }

    private mutating func safety(_ node: YAMLNode) -> SafetySettings {
        var safety = SafetySettings()
        guard let fields = reader.mapping(node, what: "safety", known: Self.safetyKeys) else { return safety }
        for (key, _, value) in fields {
            switch key {
            case "allowDelete": safety.allowDelete = reader.bool(value, what: "allowDelete") ?? false
            case "maxDeletes":
                if let number = reader.int(value, what: "maxDeletes") {
                    if number < 0 { reader.error("out-of-range", "maxDeletes must be 0 or more", at: value) }
                    safety.maxDeletes = number
                }
            case "maxChangeShare":
                if let share = reader.double(value, what: "maxChangeShare") {
                    if !(0...1).contains(share) {
                        reader.error("out-of-range", "maxChangeShare must be between 0 and 1, got \(share)", at: value)
                    }
                    safety.maxChangeShare = share
                }
            case "protect": safety.protect = strings(value, what: "protect") ?? []
            default: break
            }
        }
        return safety
    }

    static func isAccountSid(_ text: String) -> Bool {
        text.count == 34 && text.hasPrefix("AC")
            && text.dropFirst(2).allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }

    /// `NAME` when `text` is exactly `${env:NAME}`.
    static func environmentReference(_ text: String) -> String? {
        guard text.hasPrefix("${env:"), text.hasSuffix("}") else { return nil }
        let name = text.dropFirst(6).dropLast()
        guard let first = name.first, first.isLetter || first == "_",
            name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
        else { return nil }
        return String(name)
    }
}
