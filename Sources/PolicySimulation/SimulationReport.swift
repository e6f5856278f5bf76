/// What replaying recorded traffic through the live policy and the planned one showed: the document behind every
/// format of `mitto-policy simulate`. Key values are masked (``KeyMask``) unless the report was made with
/// `showKeys`.
public struct SimulationReport: Hashable, Sendable, Codable {
    /// The version of this document's shape.
    public static let formatVersion = 1

    /// This document's shape.
    public var formatVersion = Self.formatVersion
    /// Always `simulation`.
    public var kind = "simulation"
    /// The environment whose live limits were the "before" policy.
    public var environment: String
    /// The traffic replayed.
    public var traffic: TrafficSummary
    /// Whether key values are shown whole (`--show-keys`) rather than masked.
    public var keysShown: Bool
    /// Counts over every send.
    public var totals: Totals
    /// One entry per limit of either policy, in order of name.
    public var limits: [LimitResult]
    /// The limits the plan deletes that sends still name (see `Totals.namingRemovedLimits`), by name.
    public var removedLimitsNamed: [String]

    /// The replayed traffic: where from, how many sends, and the time they span.
    public struct TrafficSummary: Hashable, Sendable, Codable {
        /// The file, as given.
        public var file: String
        /// How many sends it holds.
        public var sends: Int
        /// The first send's time (RFC 3339), if any.
        public var from: String?
        /// The last send's time.
        public var until: String?
    }

    /// Counts over every send.
    public struct Totals: Hashable, Sendable, Codable {
        /// Sends replayed.
        public var sends: Int
        /// Sends the live policy refuses.
        public var refusedBefore: Int
        /// Sends the planned policy refuses.
        public var refusedAfter: Int
        /// `refusedAfter - refusedBefore`.
        public var change: Int
        /// Sends the live policy admits and the planned one refuses.
        public var newlyRefused: Int
        /// Sends the live policy refuses and the planned one admits.
        public var noLongerRefused: Int
        /// Distinct key values (per limit) with a newly refused send.
        public var newlyRefusedKeys: Int
        /// Distinct key values (per limit) with a send no longer refused.
        public var noLongerRefusedKeys: Int
        /// Sends naming a limit the live policy has and the planned one does not (deleted): the API answers such a
        /// send with 400 while apps still name the limit, so these are counted apart, though the replay lets them
        /// through as a missing limit refuses nothing.
        public var namingRemovedLimits: Int
    }

    /// How a limit differs between the two policies.
    public enum LimitStatus: String, Hashable, Sendable, Codable {
        /// The same in both.
        case unchanged
        /// Other buckets, or another name, in the planned policy.
        case changed
        /// Only in the planned policy.
        case added
        /// Only in the live policy.
        case removed
    }

    /// One limit's figures.
    public struct LimitResult: Hashable, Sendable, Codable {
        /// The limit's name in the planned policy (in the live one, for a removed limit).
        public var name: String
        /// Its live name, when the plan renames it.
        public var previousName: String?
        /// How it differs.
        public var status: LimitStatus
        /// Sends naming it.
        public var sends: Int
        /// Sends it refuses under the live policy (a send is counted for the first limit and bucket that refuse it).
        public var refusedBefore: Int
        /// Sends it refuses under the planned policy.
        public var refusedAfter: Int
        /// `refusedAfter - refusedBefore`.
        public var change: Int
        /// Sends the live policy admits that this limit refuses under the planned one.
        public var newlyRefused: Int
        /// Sends this limit refuses under the live policy that the planned one admits.
        public var noLongerRefused: Int
        /// Its buckets, by name: the planned policy's in order, then those only the live one has.
        public var buckets: [BucketResult]
        /// Each key value with a newly refused send: the first such send, in time order.
        public var newlyRefusedKeys: [KeySend]
        /// Each key value with a send no longer refused: the first such send, in time order.
        public var noLongerRefusedKeys: [KeySend]
        /// The key values that came closest to a bucket's max under the planned policy (the live one, for a
        /// removed limit), busiest first.
        public var busiestKeys: [BusyKey]
    }

    /// A bucket's figures; `before` and `after` are its settings in each policy (nil where it is not).
    public struct BucketResult: Hashable, Sendable, Codable {
        /// The bucket's name.
        public var name: String
        /// Its max and interval in the live policy.
        public var before: Settings?
        /// Its max and interval in the planned policy.
        public var after: Settings?
        /// Sends it refuses under the live policy.
        public var refusedBefore: Int
        /// Sends it refuses under the planned policy.
        public var refusedAfter: Int
        /// `refusedAfter - refusedBefore`.
        public var change: Int

        /// Creates a bucket's figures.
        public init(
            name: String, before: Settings?, after: Settings?, refusedBefore: Int, refusedAfter: Int, change: Int
        ) {
            self.name = name
            self.before = before
            self.after = after
            self.refusedBefore = refusedBefore
            self.refusedAfter = refusedAfter
            self.change = change
        }
    }

    /// A bucket's max and interval (seconds).
    public struct Settings: Hashable, Sendable, Codable {
        /// Sends admitted per window.
        public var max: Int
        /// The window, in seconds.
        public var interval: Int

        /// Creates settings.
        public init(max: Int, interval: Int) {
            self.max = max
            self.interval = interval
        }
    }

    /// The first send of one key value that changed outcome.
    public struct KeySend: Hashable, Sendable, Codable {
        /// The key value (masked unless keys are shown).
        public var key: String
        /// When (RFC 3339).
        public var at: String
        /// The bucket that refuses it (under the planned policy for a newly refused send, the live one otherwise).
        public var bucket: String
        /// How many of this key value's sends changed outcome this way.
        public var sends: Int

        /// Creates an entry.
        public init(key: String, at: String, bucket: String, sends: Int) {
            self.key = key
            self.at = at
            self.bucket = bucket
            self.sends = sends
        }
    }

    /// How close one key value came to each bucket's max.
    public struct BusyKey: Hashable, Sendable, Codable {
        /// The key value (masked unless keys are shown).
        public var key: String
        /// Per bucket, in bucket order.
        public var buckets: [Peak]
        /// The largest share of max over the buckets.
        public var share: Double
    }

    /// The most admitted sends of a key value inside one window of a bucket.
    public struct Peak: Hashable, Sendable, Codable {
        /// The bucket's name.
        public var bucket: String
        /// The most admitted sends in any one window.
        public var peak: Int
        /// The bucket's max.
        public var max: Int
        /// `peak / max`, to two decimals.
        public var share: Double

        /// Creates a peak.
        public init(bucket: String, peak: Int, max: Int, share: Double) {
            self.bucket = bucket
            self.peak = peak
            self.max = max
            self.share = share
        }
    }

    /// Whether the planned policy refuses any send the live one admits, or the API would reject sends that name a
    /// deleted limit.
    public var refusesMore: Bool { totals.newlyRefused > 0 || totals.namingRemovedLimits > 0 }
}
