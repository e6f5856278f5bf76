/// The guard rails of `plan` and `apply`.
public struct SafetySettings: Hashable, Sendable, Codable {
    /// Whether unmanaged live objects may be deleted.
    public var allowDelete = false
    /// The most deletions a plan may have.
    public var maxDeletes = 5
    /// The largest share of live objects a plan may change or delete.
    public var maxChangeShare = 0.3
    /// Names or globs never deleted.
    public var protect: [String] = []

    /// The defaults: no deletions, at most 5, at most 30 % of live objects changed.
    public init() {}

    /// Live objects below this count are too few for a share to mean anything (as in octoDNS); the share
    /// threshold applies from this many on.
    public static let minimumLiveObjectsForShare = 10
}

/// Live objects the tool leaves alone.
public struct IgnoreRules: Hashable, Sendable, Codable {
    /// Globs of limit names.
    public var limits: [String] = []
    /// Globs of workflow names.
    public var workflows: [String] = []

    /// No ignores.
    public init() {}
}
