/// The channels a code is tried on, in order, with the code's shape and lifetime.
public struct Workflow: Hashable, Sendable, Codable {
    /// The name applications pass as `workflow` in `send`; unique per account.
    public var name: String
    /// Free text shown to people reading the policy.
    public var description: String?
    /// Digits in a generated code.
    public var codeLength: Int
    /// Seconds a code stays valid.
    public var codeTtl: Int
    /// Wrong verifies allowed before the request fails.
    public var maxAttempts: Int
    /// The delivery steps, tried in order.
    public var steps: [Step]

    /// Creates a workflow; omitted numbers take the API's defaults.
    public init(
        name: String,
        description: String? = nil,
        codeLength: Int = PolicyRules.codeLengthDefault,
        codeTtl: Int = PolicyRules.codeTtlDefault,
        maxAttempts: Int = PolicyRules.maxAttemptsDefault,
        steps: [Step]
    ) {
        self.name = name
        self.description = description
        self.codeLength = codeLength
        self.codeTtl = codeTtl
        self.maxAttempts = maxAttempts
        self.steps = steps
    }
}
