/// One field-level reason a request was refused: `{"field": "buckets[0].max", "problem": "…"}`.
public struct ErrorDetail: Hashable, Sendable, Codable {
    /// The field, as a path such as `steps[1].timeout`; empty for the body as a whole.
    public var field: String
    /// What is wrong with it.
    public var problem: String

    /// Creates a detail.
    public init(field: String, problem: String) {
        self.field = field
        self.problem = problem
    }
}

/// The body of every error, and of a success that returns no object: `code` equals the HTTP status.
public struct StatusEnvelope: Hashable, Sendable, Codable {
    /// The HTTP status code.
    public var code: Int
    /// `OK` on success, otherwise a sentence.
    public var message: String
    /// Field-level reasons, on 400 responses.
    public var details: [ErrorDetail]?

    /// Creates an envelope.
    public init(code: Int, message: String, details: [ErrorDetail]? = nil) {
        self.code = code
        self.message = message
        self.details = details
    }
}

/// `{"code":200,"message":"OK","limit":{…}}`.
public struct LimitEnvelope: Hashable, Sendable, Codable {
    /// Always 200.
    public var code: Int
    /// Always `OK`.
    public var message: String
    /// The limit.
    public var limit: LimitResource

    /// Creates a success envelope.
    public init(limit: LimitResource) {
        self.code = 200
        self.message = "OK"
        self.limit = limit
    }
}

/// `{"code":200,"message":"OK","workflow":{…}}`.
public struct WorkflowEnvelope: Hashable, Sendable, Codable {
    /// Always 200.
    public var code: Int
    /// Always `OK`.
    public var message: String
    /// The workflow.
    public var workflow: WorkflowResource

    /// Creates a success envelope.
    public init(workflow: WorkflowResource) {
        self.code = 200
        self.message = "OK"
        self.workflow = workflow
    }
}
