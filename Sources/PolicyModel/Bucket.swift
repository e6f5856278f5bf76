/// One rate window of a limit: at most `max` accepted sends per key value within the last `interval` seconds.
public struct Bucket: Hashable, Sendable, Codable {
    /// The bucket's name, unique within its limit.
    public var name: String
    /// How many sends the window admits.
    public var max: Int
    /// The window's length in seconds.
    public var interval: Int

    /// Creates a bucket.
    public init(name: String, max: Int, interval: Int) {
        self.name = name
        self.max = max
        self.interval = interval
    }
}
