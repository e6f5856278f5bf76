public import PolicyModel

extension LimitEngine {
    /// Sends offered one after another, in time order, to a fixed set of limits, each admitted or refused as the
    /// emulator would: the same ``Window`` rule over the sends admitted so far, without the emulator's store.
    ///
    /// A send names limits by index, each with a key value, in the order they are checked (the emulator checks a
    /// send's limits in order of name). It is refused by the first full bucket in that order; a refused send counts
    /// for no limit, an admitted one for every limit it names. Each key value's admitted sends are kept only as
    /// long as the limit's longest window can count them, so memory follows the traffic inside one window.
    public struct Replay: Sendable {
        /// A refused send: the use, the limit (its index), the bucket (its index in the limit) and the bucket's
        /// count.
        public struct Refused: Hashable, Sendable {
            /// Which of the send's uses (its position in them) refused it.
            public var use: Int
            /// The index of the limit that refused the send.
            public var limit: Int
            /// The index of the full bucket in that limit.
            public var bucket: Int
            /// The sends already admitted inside that bucket's window.
            public var count: Int
        }

        /// The limits, as given.
        public let limits: [Limit]
        /// Per limit, its longest window in seconds: how long an admitted send can count.
        private let horizons: [Double]
        /// Per limit, each key value's admitted sends and peaks.
        private var histories: [[String: KeyHistory]]
        /// The time of the last send offered, which the next may not precede.
        private var lastTime = -Double.infinity

        /// One key value's admitted sends under one limit, oldest first from `start`, and the most each bucket's
        /// window held.
        struct KeyHistory: Sendable {
            var times: [Double] = []
            var start = 0
            var peaks: [Int]

            init(buckets: Int) { peaks = Array(repeating: 0, count: buckets) }

            var admitted: ArraySlice<Double> { times[start...] }

            /// Forgets the sends that left the longest window, compacting once they are most of the array.
            mutating func forget(before cutoff: Double) {
                while start < times.count && times[start] <= cutoff { start += 1 }
                if start > 64 && start * 2 > times.count {
                    times.removeFirst(start)
                    start = 0
                }
            }
        }

        /// A replay of `limits` with nothing admitted yet.
        public init(limits: [Limit]) {
            self.limits = limits
            horizons = limits.map { Double(LimitEngine.horizon([$0])) }
            histories = Array(repeating: [:], count: limits.count)
        }

        /// Offers a send at `time` (seconds since 1970, not before the previous send's) naming `uses`: a limit
        /// index and key value each, in checking order. Returns the refusal, or nil when the send is admitted and
        /// counted.
        public mutating func offer(_ uses: [(limit: Int, key: String)], at time: Double) -> Refused? {
            precondition(time >= lastTime, "a replay's sends are offered in time order")
            lastTime = time
            for (position, use) in uses.enumerated() {
                let buckets = limits[use.limit].buckets
                let refused = Self.check(
                    &histories[use.limit][use.key, default: KeyHistory(buckets: buckets.count)], buckets,
                    forgetting: time - horizons[use.limit], at: time)
                if let refused {
                    return Refused(use: position, limit: use.limit, bucket: refused.bucket, count: refused.count)
                }
            }
            for use in uses {
                let buckets = limits[use.limit].buckets
                Self.admit(
                    &histories[use.limit][use.key, default: KeyHistory(buckets: buckets.count)], buckets, at: time)
            }
            return nil
        }

        /// The first full bucket for one key value at `time`, after forgetting the sends no window can count.
        /// (In place, through the dictionary's storage: a copy of the history would copy its array on each send.)
        private static func check(
            _ history: inout KeyHistory, _ buckets: [Bucket], forgetting cutoff: Double, at time: Double
        ) -> (bucket: Int, count: Int)? {
            history.forget(before: cutoff)
            for (index, bucket) in buckets.enumerated() {
                let window = Window(bucket, admitted: history.admitted, at: time)
                if window.retryAfter != nil { return (index, window.count) }
            }
            return nil
        }

        /// Counts an admitted send for one key value and raises the peaks its windows reached.
        private static func admit(_ history: inout KeyHistory, _ buckets: [Bucket], at time: Double) {
            history.times.append(time)
            for (index, bucket) in buckets.enumerated() {
                let count = Window(bucket, admitted: history.admitted, at: time).count
                if count > history.peaks[index] { history.peaks[index] = count }
            }
        }

        /// For one limit, every key value it admitted a send for, with the most sends each bucket's window held at
        /// once (in bucket order).
        public func peaks(limit: Int) -> [(key: String, peaks: [Int])] {
            histories[limit].compactMap { key, history in
                history.peaks.contains { $0 > 0 } ? (key: key, peaks: history.peaks) : nil
            }
        }
    }
}
