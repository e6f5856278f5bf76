/// A client-side request rate limit: at most `rate` requests per second, in bursts of at most `burst`, shared by
/// every task using the same pacer.
public actor RequestPacer {
    private let interval: Duration
    private let burst: Int
    private var nextFree: ContinuousClock.Instant
    private let clock = ContinuousClock()
    /// The rate, requests per second.
    public let rate: Double
    /// How many requests it let through.
    public private(set) var requests = 0
    /// How many of them had to wait for it.
    public private(set) var delayedRequests = 0

    /// Creates a pacer for `rate` requests per second (at least 1).
    public init(rate: Double, burst: Int = 1) {
        let perRequest = 1.0 / max(rate, 1)
        self.interval = .nanoseconds(Int64(perRequest * 1_000_000_000))
        self.burst = max(burst, 1)
        self.nextFree = ContinuousClock.now
        self.rate = max(rate, 1)
    }

    /// Waits until a request may be sent.
    public func wait() async throws {
        let now = clock.now
        requests += 1
        let earliest = now - interval * (burst - 1)
        if nextFree < earliest { nextFree = earliest }
        let start = nextFree
        nextFree = start + interval
        if start > now {
            delayedRequests += 1
            try await clock.sleep(until: start)
        }
    }
}
