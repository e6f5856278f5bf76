import Foundation
import LimitEngine
import PolicyModel
import Synchronization

/// How many failed logins one client address may make before it is refused for a while.
public struct FailedLoginLimit: Hashable, Sendable {
    /// Failures admitted inside `window`; the next attempt, right key or wrong, gets a 429.
    public var maxFailures: Int
    /// The sliding window, in seconds.
    public var window: Int

    /// Creates a limit.
    public init(maxFailures: Int, window: Int) {
        self.maxFailures = maxFailures
        self.window = window
    }

    /// Ten failures a minute: far more than a mistyped key needs, far too few to guess one.
    public static let standard = FailedLoginLimit(maxFailures: 10, window: 60)

    /// What is wrong with the limit, or nil.
    public var problem: String? {
        if maxFailures < 1 { return "the failed-login limit must allow 1 or more failures, got \(maxFailures)" }
        if !PolicyRules.bucketInterval.contains(window) {
            return "the failed-login window must be between 1 and \(PolicyRules.bucketInterval.upperBound) seconds"
        }
        return nil
    }
}

/// Failed logins per client address, counted as a limit counts sends: the same sliding window, through
/// `LimitEngine`, so an address that guesses keys is refused with `Retry-After` instead of answered. Every
/// authenticated request asks it, so it is a lock around a dictionary, not an actor a request would hop to.
final class FailedLogins: Sendable {
    private static let limitSid = "failed-logins"
    private let limit: Limit
    private let now: @Sendable () -> Date

    private struct State {
        var failures: [String: [LimitEngine.SendEvent]] = [:]
        /// Addresses tracked before forgotten ones are swept out, so sprayed addresses cannot grow the table for
        /// ever.
        var sweepAt = 1_024
    }

    private let state = Mutex(State())

    init(_ setting: FailedLoginLimit, now: @escaping @Sendable () -> Date) {
        limit = Limit(
            name: "failed logins", buckets: [.init(name: "address", max: setting.maxFailures, interval: setting.window)]
        )
        self.now = now
    }

    /// The refusal for another attempt from `address`, or nil when it may try.
    func refusal(for address: String) -> LimitEngine.Refusal? {
        guard let history = state.withLock({ $0.failures[address] }) else { return nil }
        return LimitEngine.check(
            [.init(limitSid: Self.limitSid, limit: limit, keyValue: address, history: history)], at: now())
    }

    /// Counts one failed attempt from `address`.
    func recordFailure(from address: String) {
        let now = now()
        let windowStart = now.addingTimeInterval(-Double(limit.buckets[0].interval))
        state.withLock { state in
            state.failures[address, default: []].removeAll { $0.at <= windowStart }
            state.failures[address, default: []].append(.init(limitSid: Self.limitSid, keyValue: address, at: now))
            if state.failures.count > state.sweepAt {
                state.failures = state.failures.filter { $0.value.contains { $0.at > windowStart } }
                state.sweepAt = max(1_024, state.failures.count * 2)
            }
        }
    }
}
