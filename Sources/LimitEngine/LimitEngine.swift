public import Foundation
public import PolicyModel

/// The one implementation of how limits refuse sends, used by the emulator and available to offline simulation.
///
/// A send with key value K is refused when, for any bucket of a limit, the sends already accepted with that limit and K
/// inside the last `interval` seconds number `max` or more (a sliding window). Refused sends do not count.
public enum LimitEngine {
    /// A limit applied to one send: the limit and the key value the send names for it.
    public struct Application: Sendable {
        /// The limit.
        public var limit: Limit
        /// The key value, such as a phone number.
        public var keyValue: String
        /// When earlier accepted sends with this limit and key value happened.
        public var acceptedSends: [Date]

        /// Creates an application.
        public init(limit: Limit, keyValue: String, acceptedSends: [Date]) {
            self.limit = limit
            self.keyValue = keyValue
            self.acceptedSends = acceptedSends
        }
    }

    /// Why a send is refused: the limit and bucket, and how long until it would be admitted.
    public struct Refusal: Hashable, Sendable {
        /// The limit's name.
        public var limit: String
        /// The bucket's name.
        public var bucket: String
        /// Sends already accepted in the bucket's window.
        public var count: Int
        /// The bucket's max.
        public var max: Int
        /// The bucket's window in seconds.
        public var interval: Int
        /// Whole seconds until every full bucket of the send admits it again (at least 1).
        public var retryAfter: Int
    }

    /// The refusal for a send at `now`, or nil when every bucket of every limit admits it.
    ///
    /// The refusal names the first full bucket in limit and bucket order; `retryAfter` waits for all of them.
    public static func check(_ applications: [Application], at now: Date) -> Refusal? {
        var first: Refusal?
        var longestWait = 0
        for application in applications {
            for bucket in application.limit.buckets {
                let windowStart = now.addingTimeInterval(-Double(bucket.interval))
                let inWindow = application.acceptedSends.filter { $0 > windowStart && $0 <= now }.sorted()
                guard inWindow.count >= bucket.max else { continue }
                // The bucket admits again once enough of its oldest sends have left the window.
                let leaving = inWindow[inWindow.count - bucket.max]
                let wait = max(
                    1, Int((leaving.addingTimeInterval(Double(bucket.interval)).timeIntervalSince(now)).rounded(.up)))
                longestWait = max(longestWait, wait)
                if first == nil {
                    first = Refusal(
                        limit: application.limit.name, bucket: bucket.name, count: inWindow.count, max: bucket.max,
                        interval: bucket.interval, retryAfter: wait
                    )
                }
            }
        }
        first?.retryAfter = longestWait
        return first
    }

    /// The longest window of `limits`: older sends can never matter again and may be forgotten.
    public static func horizon(_ limits: [Limit]) -> Int {
        limits.flatMap(\.buckets).map(\.interval).max() ?? 0
    }
}
