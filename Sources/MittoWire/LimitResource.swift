public import PolicyModel

/// A limit as the API returns it: the policy fields plus identity and timestamps.
public struct LimitResource: Hashable, Sendable, Codable {
    /// `LM` and 32 hex digits.
    public var sid: String
    /// The owning account.
    public var accountSid: String
    /// The limit's name.
    public var name: String
    /// The limit's description, `null` when unset.
    public var description: String?
    /// The limit's buckets.
    public var buckets: [Bucket]
    /// RFC 3339 UTC time of creation.
    public var dateCreated: String
    /// RFC 3339 UTC time of the last change.
    public var dateUpdated: String
    /// The resource's path, `/2fa/limits/{sid}`.
    public var uri: String

    /// Creates a resource.
    public init(
        sid: String, accountSid: String, name: String, description: String?, buckets: [Bucket],
        dateCreated: String, dateUpdated: String, uri: String
    ) {
        self.sid = sid
        self.accountSid = accountSid
        self.name = name
        self.description = description
        self.buckets = buckets
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
        self.uri = uri
    }

    /// The policy part, without identity.
    public var limit: Limit {
        Limit(name: name, description: description, buckets: buckets)
    }

    enum CodingKeys: String, CodingKey {
        case sid, accountSid, name, description, buckets, dateCreated, dateUpdated, uri
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(sid, forKey: .sid)
        try container.encode(accountSid, forKey: .accountSid)
        try container.encode(name, forKey: .name)
        try container.encode(description, forKey: .description)
        try container.encode(buckets, forKey: .buckets)
        try container.encode(dateCreated, forKey: .dateCreated)
        try container.encode(dateUpdated, forKey: .dateUpdated)
        try container.encode(uri, forKey: .uri)
    }
}

/// The body of `POST /2fa/limits` and `PUT /2fa/limits/{limitSid}`.
public struct LimitBody: Hashable, Sendable, Codable {
    /// The limit's name.
    public var name: String
    /// The limit's description.
    public var description: String?
    /// The limit's buckets.
    public var buckets: [Bucket]
    /// The sub-account to act on, when not the caller's own account.
    public var accountSid: String?

    /// Creates a body from a limit.
    public init(_ limit: Limit, accountSid: String? = nil) {
        self.name = limit.name
        self.description = limit.description
        self.buckets = limit.buckets
        self.accountSid = accountSid
    }
}
