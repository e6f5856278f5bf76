import MittoWire
import PolicyModel

/// What the client needs to know of a limit or workflow resource to list it consistently and to create it safely.
protocol PolicyResource: ListedResource {
    /// The policy fields a create sends, compared with what a lookup finds.
    associatedtype Policy: Equatable & Sendable
    /// The success body of a create.
    associatedtype Envelope: Decodable & Sendable

    /// `limit` or `workflow`, for messages.
    static var noun: String { get }
    /// Where creates are posted, `/2fa/limits`.
    static var collectionPath: String { get }
    /// Where lists are read, `/2fa/limits/search`.
    static var searchPath: String { get }
    /// The resource in a create's answer.
    static func unwrap(_ envelope: Envelope) -> Self

    /// The resource's sid.
    var sid: String { get }
    /// The resource's name, unique in its account.
    var name: String { get }
    /// The policy fields, without identity or timestamps.
    var policy: Policy { get }
}

extension LimitResource: PolicyResource {
    static var noun: String { "limit" }
    static var collectionPath: String { "/2fa/limits" }
    static var searchPath: String { "/2fa/limits/search" }
    static func unwrap(_ envelope: LimitEnvelope) -> LimitResource { envelope.limit }
    var policy: Limit { limit }
}

extension WorkflowResource: PolicyResource {
    static var noun: String { "workflow" }
    static var collectionPath: String { "/2fa/workflows" }
    static var searchPath: String { "/2fa/workflows/search" }
    static func unwrap(_ envelope: WorkflowEnvelope) -> WorkflowResource { envelope.workflow }
    var policy: Workflow { workflow }
}
