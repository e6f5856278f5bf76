/// A client-side request rate limit: at most `rate` requests per second, in bursts of at most `burst`, shared by
/// every task using the same pacer.
public actor RequestPacer {
    private let interval: Duration
    private let burst: Int
    private var nextFree: ContinuousClock.Instant
    private let clock = ContinuousClock()

    /// Creates a pacer for `rate` requests per second (at least 1).
    public init(rate: Double, burst: Int = 1) {
        let perRequest = 1.0 / max(rate, 1)
        self.interval = .nanoseconds(Int64(perRequest * 1_000_000_000))
        self.burst = max(burst, 1)
        self.nextFree = ContinuousClock.now
    }

    /// Waits until a request may be sent.
    public func wait() async throws {
        let now = clock.now
        let earliest = now - interval * (burst - 1)
        if nextFree < earliest { nextFree = earliest }
        let start = nextFree
        nextFree = start + interval
        if start > now { try await clock.sleep(until: start) }
    }
}
