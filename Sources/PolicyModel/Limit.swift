/// A rate cap on OTP sends, applied per key value (a phone number, an IP address) by the name an app passes to `send`.
public struct Limit: Hashable, Sendable, Codable {
    /// The name applications pass in `send`'s `limits` map; unique per account.
    public var name: String
    /// Free text shown to people reading the policy.
    public var description: String?
    /// One or two windows; a send is refused when any of them is full.
    public var buckets: [Bucket]

    /// Creates a limit.
    public init(name: String, description: String? = nil, buckets: [Bucket]) {
        self.name = name
        self.description = description
        self.buckets = buckets
    }
}
