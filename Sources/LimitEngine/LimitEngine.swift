public import Foundation
public import PolicyModel

/// The one implementation of how limits refuse sends, used by the emulator and available to offline simulation.
///
/// A send with key value K is refused when, for any bucket of a limit, the sends already accepted with that limit and K
/// inside the last `interval` seconds number `max` or more (a sliding window). Refused sends do not count.
///
/// "That limit" is the limit's identity, its sid, not its name: a rename keeps the history, and a new limit that
/// takes a deleted one's name starts with none.
public enum LimitEngine {
    /// One accepted send as a limit counts it: the limit's sid, the key value the send named, and when.
    public struct SendEvent: Hashable, Sendable {
        /// The sid of the limit that counted the send.
        public var limitSid: String
        /// The key value, such as a phone number.
        public var keyValue: String
        /// When the send was accepted.
        public var at: Date

        /// Creates an event.
        public init(limitSid: String, keyValue: String, at: Date) {
            self.limitSid = limitSid
            self.keyValue = keyValue
            self.at = at
        }
    }

    /// A limit applied to one send: the limit and the key value the send names for it.
    public struct Application: Sendable {
        /// The limit's sid, which its history is kept under.
        public var limitSid: String
        /// The limit.
        public var limit: Limit
        /// The key value, such as a phone number.
        public var keyValue: String
        /// Earlier accepted sends; only those of this limit's sid and this key value count.
        public var history: [SendEvent]

        /// Creates an application.
        public init(limitSid: String, limit: Limit, keyValue: String, history: [SendEvent]) {
            self.limitSid = limitSid
            self.limit = limit
            self.keyValue = keyValue
            self.history = history
        }

        /// When the sends this application counts were accepted.
        var countedSends: [Date] {
            history.filter { $0.limitSid == limitSid && $0.keyValue == keyValue }.map(\.at)
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
        let time = now.timeIntervalSince1970
        for application in applications {
            let counted = application.countedSends.map(\.timeIntervalSince1970).filter { $0 <= time }.sorted()
            for bucket in application.limit.buckets {
                let window = Window(bucket, admitted: counted[...], at: time)
                guard let wait = window.retryAfter else { continue }
                longestWait = max(longestWait, wait)
                if first == nil {
                    first = Refusal(
                        limit: application.limit.name, bucket: bucket.name, count: window.count, max: bucket.max,
                        interval: bucket.interval, retryAfter: wait
                    )
                }
            }
        }
        first?.retryAfter = longestWait
        return first
    }

    /// One bucket's window over the sends one limit admitted for one key value: the rule every check applies.
    ///
    /// The sends that count at `now` are those admitted in the last `interval` seconds, `now - interval` excluded
    /// and `now` included; the bucket is full when they number `max` or more.
    public struct Window: Hashable, Sendable {
        /// The admitted sends inside the window.
        public var count: Int
        /// For a full bucket, whole seconds until enough of its oldest sends have left the window (at least 1);
        /// nil when the bucket admits a send now.
        public var retryAfter: Int?

        /// The window of `bucket` at `now` (seconds since 1970) over `admitted`: times in ascending order, none
        /// after `now`.
        public init(_ bucket: Bucket, admitted: ArraySlice<Double>, at now: Double) {
            let start = now - Double(bucket.interval)
            // The first admitted send inside the window: times are ascending, so a binary search finds it.
            var low = admitted.startIndex
            var high = admitted.endIndex
            while low < high {
                let middle = low + (high - low) / 2
                if admitted[middle] > start { high = middle } else { low = middle + 1 }
            }
            count = admitted.endIndex - low
            // A bucket of max 0 (which the API does not accept) admits nothing; it is full for its whole window.
            guard bucket.max > 0 else {
                retryAfter = max(1, bucket.interval)
                return
            }
            guard count >= bucket.max else {
                retryAfter = nil
                return
            }
            // The bucket admits again once enough of its oldest sends have left the window.
            let leaving = admitted[admitted.endIndex - bucket.max]
            retryAfter = max(1, Int((leaving + Double(bucket.interval) - now).rounded(.up)))
        }
    }

    /// The longest window of `limits`: the history a check of them reads.
    public static func horizon(_ limits: [Limit]) -> Int {
        limits.flatMap(\.buckets).map(\.interval).max() ?? 0
    }

    /// Seconds an accepted send must be kept: the longest interval any bucket may have.
    ///
    /// Not the limit's own longest window: a limit's buckets can be replaced by a longer one, and the longer window
    /// must then count the sends already accepted under it, or raising a window would let a burst through.
    public static let retention = PolicyRules.bucketInterval.upperBound

    /// Whether `event` can no longer count for any limit at `now`, so it may be forgotten.
    public static func isExpired(_ event: SendEvent, at now: Date) -> Bool {
        event.at <= now.addingTimeInterval(-Double(retention))
    }
}
