/// An object as the account has it now: its sid and its policy fields.
public struct LiveObject<Value: Hashable & Sendable>: Hashable, Sendable {
    /// The API's id of the object.
    public var sid: String
    /// The policy fields.
    public var value: Value

    /// Creates a live object.
    public init(sid: String, value: Value) {
        self.sid = sid
        self.value = value
    }
}

/// What an account has, as read from `limits/search` and `workflows/search`.
public struct LiveState: Hashable, Sendable {
    /// The limits.
    public var limits: [LiveObject<Limit>]
    /// The workflows.
    public var workflows: [LiveObject<Workflow>]

    /// Creates a state.
    public init(limits: [LiveObject<Limit>] = [], workflows: [LiveObject<Workflow>] = []) {
        self.limits = limits
        self.workflows = workflows
    }

    /// How many objects of both kinds there are.
    public var count: Int { limits.count + workflows.count }
}
