/// How the client retries 429s, 5xx answers and lost connections: exponential backoff with full jitter, honouring
/// `Retry-After`, bounded in attempts and in total time.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in all, the first included.
    public var maxAttempts: Int
    /// The delay ceiling of the first retry; each retry doubles it.
    public var baseDelay: Duration
    /// The largest delay between two attempts.
    public var maxDelay: Duration
    /// The total time retries may add; a `Retry-After` beyond it ends retrying.
    public var budget: Duration
    /// How long one attempt may take before it counts as lost.
    public var requestTimeout: Duration

    /// Creates a policy.
    public init(
        maxAttempts: Int = 5,
        baseDelay: Duration = .milliseconds(200),
        maxDelay: Duration = .seconds(10),
        budget: Duration = .seconds(60),
        requestTimeout: Duration = .seconds(30)
    ) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.budget = budget
        self.requestTimeout = requestTimeout
    }

    /// The policy the command-line tool uses.
    public static let standard = RetryPolicy()

    /// One attempt only.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// The wait before retry number `retry` (1-based): `Retry-After` when the server sent one, otherwise a random
    /// point up to the exponential ceiling.
    func delay(beforeRetry retry: Int, retryAfter: Duration?, random: (Double) -> Double) -> Duration {
        if let retryAfter { return retryAfter }
        let ceiling = min(baseDelay * Int(1 << min(retry - 1, 20)), maxDelay)
        let seconds = Double(ceiling.components.seconds) + Double(ceiling.components.attoseconds) / 1e18
        return .milliseconds(Int(random(seconds) * 1000))
    }
}
