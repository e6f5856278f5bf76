/// A value of a project-file variable, used in manifests as `${var.NAME}`.
public enum VariableValue: Hashable, Sendable, CustomStringConvertible {
    /// Text.
    case string(String)
    /// A whole number.
    case int(Int)
    /// A number with a fraction.
    case double(Double)
    /// `true` or `false`.
    case bool(Bool)
    /// `${env:NAME}`: the process environment variable `NAME`, read when the environment is used.
    case environmentVariable(String)

    /// The value as it is written into a manifest; for an environment variable, the reference as written in the
    /// project file.
    public var description: String {
        switch self {
        case .string(let text): text
        case .int(let number): String(number)
        case .double(let number): String(number)
        case .bool(let flag): flag ? "true" : "false"
        case .environmentVariable(let name): "${env:\(name)}"
        }
    }

    /// Whether the value is text, which keeps a reference to it quoted so it stays a string.
    var isText: Bool {
        if case .string = self { return true }
        return false
    }
}

/// Where `${var.NAME}` in manifests finds its values.
public struct VariableScope: Sendable {
    /// The chosen environment's variables.
    public var variables: [String: VariableValue]
    /// The process environment variables the variables read; manifests cannot read any directly.
    public var environment: [String: String]
    /// Where the variables were defined, for messages (`environment 'staging' in mitto-policy.yaml`).
    public var origin: String

    /// Creates a scope.
    public init(variables: [String: VariableValue] = [:], environment: [String: String] = [:], origin: String = "") {
        self.variables = variables
        self.environment = environment
        self.origin = origin
    }

    /// The scope of `settings`' variables, holding of `processEnvironment` only the variables they read, so a
    /// manifest can reach no other.
    public init(_ settings: EnvironmentSettings, processEnvironment: [String: String]) {
        var environment: [String: String] = [:]
        for case .environmentVariable(let name) in settings.variables.values {
            environment[name] = processEnvironment[name]
        }
        self.init(variables: settings.variables, environment: environment, origin: "environment '\(settings.name)'")
    }
}
