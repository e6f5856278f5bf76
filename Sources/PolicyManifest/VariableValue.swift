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

    /// The value as it is written into a manifest.
    public var description: String {
        switch self {
        case .string(let text): text
        case .int(let number): String(number)
        case .double(let number): String(number)
        case .bool(let flag): flag ? "true" : "false"
        }
    }

    /// Whether the value is text, which keeps a reference to it quoted so it stays a string.
    var isText: Bool {
        if case .string = self { return true }
        return false
    }
}

/// Where `${var.NAME}` and `${env:NAME}` find their values.
public struct VariableScope: Sendable {
    /// The chosen environment's variables.
    public var variables: [String: VariableValue]
    /// The process environment.
    public var environment: [String: String]
    /// Where the variables were defined, for messages (`environment 'staging' in mitto-policy.yaml`).
    public var origin: String

    /// Creates a scope.
    public init(variables: [String: VariableValue] = [:], environment: [String: String] = [:], origin: String = "") {
        self.variables = variables
        self.environment = environment
        self.origin = origin
    }
}
