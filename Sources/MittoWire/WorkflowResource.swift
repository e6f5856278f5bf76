public import PolicyModel

/// A workflow as the API returns it: the policy fields plus identity and timestamps.
public struct WorkflowResource: Hashable, Sendable, Codable {
    /// `WF` and 32 hex digits.
    public var sid: String
    /// The owning account.
    public var accountSid: String
    /// The workflow's name.
    public var name: String
    /// The workflow's description, `null` when unset.
    public var description: String?
    /// Digits in a generated code.
    public var codeLength: Int
    /// Seconds a code stays valid.
    public var codeTtl: Int
    /// Wrong verifies allowed.
    public var maxAttempts: Int
    /// The delivery steps.
    public var steps: [Step]
    /// RFC 3339 UTC time of creation.
    public var dateCreated: String
    /// RFC 3339 UTC time of the last change.
    public var dateUpdated: String
    /// The resource's path, `/2fa/workflows/{sid}`.
    public var uri: String

    /// Creates a resource.
    public init(
        sid: String, accountSid: String, workflow: Workflow, dateCreated: String, dateUpdated: String, uri: String
    ) {
        self.sid = sid
        self.accountSid = accountSid
        self.name = workflow.name
        self.description = workflow.description
        self.codeLength = workflow.codeLength
        self.codeTtl = workflow.codeTtl
        self.maxAttempts = workflow.maxAttempts
        self.steps = workflow.steps
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
        self.uri = uri
    }

    /// The policy part, without identity.
    public var workflow: Workflow {
        Workflow(
            name: name, description: description, codeLength: codeLength, codeTtl: codeTtl, maxAttempts: maxAttempts,
            steps: steps
        )
    }

    enum CodingKeys: String, CodingKey {
        case sid, accountSid, name, description, codeLength, codeTtl, maxAttempts, steps, dateCreated, dateUpdated
        case uri
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(sid, forKey: .sid)
        try container.encode(accountSid, forKey: .accountSid)
        try container.encode(name, forKey: .name)
        try container.encode(description, forKey: .description)
        try container.encode(codeLength, forKey: .codeLength)
        try container.encode(codeTtl, forKey: .codeTtl)
        try container.encode(maxAttempts, forKey: .maxAttempts)
        try container.encode(steps, forKey: .steps)
        try container.encode(dateCreated, forKey: .dateCreated)
        try container.encode(dateUpdated, forKey: .dateUpdated)
        try container.encode(uri, forKey: .uri)
    }
}

/// The body of `POST /2fa/workflows` and `PUT /2fa/workflows/{workflowSid}`.
public struct WorkflowBody: Hashable, Sendable, Codable {
    /// The workflow's name.
    public var name: String
    /// The workflow's description.
    public var description: String?
    /// Digits in a generated code.
    public var codeLength: Int
    /// Seconds a code stays valid.
    public var codeTtl: Int
    /// Wrong verifies allowed.
    public var maxAttempts: Int
    /// The delivery steps.
    public var steps: [Step]
    /// The sub-account to act on, when not the caller's own account.
    public var accountSid: String?

    /// Creates a body from a workflow.
    public init(_ workflow: Workflow, accountSid: String? = nil) {
        self.name = workflow.name
        self.description = workflow.description
        self.codeLength = workflow.codeLength
        self.codeTtl = workflow.codeTtl
        self.maxAttempts = workflow.maxAttempts
        self.steps = workflow.steps
        self.accountSid = accountSid
    }
}
