public import PolicyModel

extension LimitEngine {
    /// Sends offered one after another, in time order, to a fixed set of limits, each admitted or refused as the
    /// emulator would: the same ``Window`` rule over the sends admitted so far, without the emulator's store.
    ///
    /// A send names limits by index, each with a key value (numbered), in the order they are checked (the emulator checks a
    /// send's limits in order of name). It is refused by the first full bucket in that order; a refused send counts
    /// for no limit, an admitted one for every limit it names. Each key value's admitted sends are kept only as
    /// long as the limit's longest window can count them, so memory follows the traffic inside one window.
    public struct Replay: Sendable {
        /// A key value, numbered by the caller (the same number for the same value), so the replay hashes
        /// integers rather than text.
        public typealias Key = Int

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
        /// Per limit, its buckets (kept apart so a send does not copy the limit).
        private let buckets: [[Bucket]]
        /// Per limit, its longest window in seconds: how long an admitted send can count.
        private let horizons: [Double]
        /// Per limit, each key value's admitted sends and peaks.
        private var histories: [[Key: KeyHistory]]
        /// The time of the last send offered, which the next may not precede.
        private var lastTime = -Double.infinity

        /// One key value's admitted sends under one limit, oldest first from `start`, and the most each bucket's
        /// window held.
        struct KeyHistory: Sendable {
            var times: [Double] = []
            var start = 0
            /// The peaks of the first two buckets (a limit has at most two), then of any others: no array to
            /// allocate for each of a hundred thousand key values.
            var firstPeak = 0
            var secondPeak = 0
            var morePeaks: [Int] = []

            var admitted: ArraySlice<Double> { times[start...] }

            mutating func raisePeak(_ index: Int, to count: Int) {
                switch index {
                case 0: firstPeak = max(firstPeak, count)
                case 1: secondPeak = max(secondPeak, count)
                default:
                    while morePeaks.count <= index - 2 { morePeaks.append(0) }
                    morePeaks[index - 2] = max(morePeaks[index - 2], count)
                }
            }

            /// The first full bucket at `time`, after forgetting the sends no window can count; run in place, so
            /// the history is not copied (with its array) for each send.
            mutating func firstFull(_ buckets: [Bucket], forgetting cutoff: Double, at time: Double) -> (
                bucket: Int, count: Int
            )? {
                forget(before: cutoff)
                for (position, bucket) in buckets.enumerated() {
                    let window = Window(bucket, admitted: admitted, at: time)
                    if window.retryAfter != nil { return (position, window.count) }
                }
                return nil
            }

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
            buckets = limits.map(\.buckets)
            horizons = limits.map { Double(LimitEngine.horizon([$0])) }
            histories = Array(repeating: [:], count: limits.count)
        }

        /// Offers a send at `time` (seconds since 1970, not before the previous send's) naming `uses`: a limit
        /// index and key value each, in checking order. Returns the refusal, or nil when the send is admitted and
        /// counted.
        public mutating func offer(_ uses: [(limit: Int, key: Key)], at time: Double) -> Refused? {
            offer(uses[...], at: time)
        }

        /// `offer(_:at:)` for uses kept in a larger array; `Refused.use` counts from the slice's start.
        public mutating func offer(_ uses: ArraySlice<(limit: Int, key: Key)>, at time: Double) -> Refused? {
            precondition(time >= lastTime, "a replay's sends are offered in time order")
            lastTime = time
            for (position, use) in zip(0..., uses) {
                let refused = Self.check(
                    &histories[use.limit], use.key, buckets[use.limit], forgetting: time - horizons[use.limit],
                    at: time)
                if let refused {
                    return Refused(use: position, limit: use.limit, bucket: refused.bucket, count: refused.count)
                }
            }
            for use in uses {
                let buckets = self.buckets[use.limit]
                Self.admit(&histories[use.limit][use.key, default: KeyHistory()], buckets, at: time)
            }
            return nil
        }

        /// The first full bucket for one key value at `time`, after forgetting the sends no window can count; nil
        /// for a key value with nothing admitted. (In place, through the dictionary's storage: a copy of the
        /// history would copy its array on each send.)
        private static func check(
            _ histories: inout [Key: KeyHistory], _ key: Key, _ buckets: [Bucket], forgetting cutoff: Double,
            at time: Double
        ) -> (bucket: Int, count: Int)? {
            guard let index = histories.index(forKey: key) else { return nil }
            return histories.values[index].firstFull(buckets, forgetting: cutoff, at: time)
        }

        /// Counts an admitted send for one key value and raises the peaks its windows reached.
        private static func admit(_ history: inout KeyHistory, _ buckets: [Bucket], at time: Double) {
            history.times.append(time)
            for (index, bucket) in buckets.enumerated() {
                history.raisePeak(index, to: Window(bucket, admitted: history.admitted, at: time).count)
            }
        }

        /// For one limit, calls `body` with every key value it admitted a send for and the most sends each bucket's
        /// window held at once (`peak(bucketIndex)`).
        public func forEachPeak(limit: Int, _ body: (_ key: Key, _ peak: (Int) -> Int) -> Void) {
            for (key, history) in histories[limit] {
                body(key) { index in
                    switch index {
                    case 0: history.firstPeak
                    case 1: history.secondPeak
                    default: index - 2 < history.morePeaks.count ? history.morePeaks[index - 2] : 0
                    }
                }
            }
        }
    }
}
