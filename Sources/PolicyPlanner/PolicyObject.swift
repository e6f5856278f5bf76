public import PolicyModel

/// A limit or a workflow, for plans that hold both kinds.
public enum PolicyObject: Hashable, Sendable, Decodable {
    /// A limit.
    case limit(Limit)
    /// A workflow.
    case workflow(Workflow)

    /// The object's kind.
    public var kind: ResourceKind {
        switch self {
        case .limit: .limit
        case .workflow: .workflow
        }
    }

    /// The object's name.
    public var name: String {
        switch self {
        case .limit(let limit): limit.name
        case .workflow(let workflow): workflow.name
        }
    }

    /// The digest a saved plan keeps to notice later changes.
    public var fingerprint: String {
        switch self {
        case .limit(let limit): limit.fingerprint
        case .workflow(let workflow): workflow.fingerprint
        }
    }

    /// Reads the object's own fields: a limit has `buckets`, a workflow `steps`.
    public init(from decoder: any Decoder) throws {
        if let limit = try? Limit(from: decoder) {
            self = .limit(limit)
        } else {
            self = .workflow(try Workflow(from: decoder))
        }
    }
}
