import Dispatch
public import LimitEngine
public import PolicyModel

/// Replays recorded sends through two policies, the live one and the planned one, with the emulator's own rule
/// (``LimitEngine/Replay``), and reports what changes.
///
/// Each policy starts with nothing admitted: sends before the traffic's first are not known. A send is refused by
/// the first full bucket of the limits it names, in order of name, as the emulator refuses it; that limit and
/// bucket are the ones a refusal is counted for.
public enum Simulation {
    /// Key values each report lists as busiest, per limit.
    public static let busiestKeys = 5

    /// The report of replaying `traffic` through `before` (the live limits of `environment`) and `after`; `file`
    /// is what the report calls the traffic, and key values are masked unless `showKeys`.
    public static func run(
        _ traffic: Traffic, file: String, environment: String, before: SimulatedPolicy, after: SimulatedPolicy,
        showKeys: Bool
    ) -> SimulationReport {
        var live = Side(before)
        var planned = Side(after)
        let ids = IdentityTable(before: before, after: after)
        var sends = Array(repeating: 0, count: ids.count)
        var newly = Array(repeating: ChangedKeys(), count: ids.count)
        var noLonger = Array(repeating: ChangedKeys(), count: ids.count)
        var named = Set<Int>()
        var namingRemoved = 0
        var removedNames = Set<String>()
        // Key values as numbers: each is hashed once per send here, not once per limit and policy in the replays.
        var keyIDs: [String: Int] = [:]
        var keyNames: [String] = []
        var eventKeys: [Int] = []
        // Each policy's uses of every send, in one array per policy (send i's from starts[i] to starts[i + 1]).
        var beforeUses = Uses(capacity: traffic.events.count)
        var afterUses = Uses(capacity: traffic.events.count)
        for event in traffic.events {
            eventKeys.removeAll(keepingCapacity: true)
            for named in event.limits {
                let id = keyIDs[named.key, default: keyNames.count]
                if id == keyNames.count {
                    keyIDs[named.key] = id
                    keyNames.append(named.key)
                }
                eventKeys.append(id)
            }
            let before = live.uses(event, keys: eventKeys)
            let after = planned.uses(event, keys: eventKeys)
            beforeUses.append(before)
            afterUses.append(after)
            var namesRemoved = false
            for named in event.limits
            where live.policy.entry(named: named.name) != nil && planned.policy.entry(named: named.name) == nil {
                namesRemoved = true
                removedNames.insert(named.name)
            }
            if namesRemoved { namingRemoved += 1 }
            named.removeAll(keepingCapacity: true)
            for use in before { named.insert(ids.before[use.limit]) }
            for use in after { named.insert(ids.after[use.limit]) }
            for id in named { sends[id] += 1 }
        }
        // The two replays are independent: each runs on a core of its own.
        let times = traffic.events.map(\.time)
        let (liveUses, plannedUses) = (beforeUses, afterUses)
        let sides = Replays(live: live, planned: planned)
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            if index == 0 {
                sides.liveOutcomes = sides.live.replay(liveUses, at: times)
            } else {
                sides.plannedOutcomes = sides.planned.replay(plannedUses, at: times)
            }
        }
        live = sides.live
        planned = sides.planned
        for (index, event) in traffic.events.enumerated() {
            switch (sides.liveOutcomes[index], sides.plannedOutcomes[index]) {
            case (nil, let refused?):
                let id = ids.after[refused.limit]
                newly[id].add(
                    keyNames[afterUses.use(refused.use, of: index).key], at: event.time, bucket: refused.bucket)
            case (let refused?, nil):
                let id = ids.before[refused.limit]
                noLonger[id].add(
                    keyNames[beforeUses.use(refused.use, of: index).key], at: event.time, bucket: refused.bucket)
            default: break
            }
        }
        var results: [SimulationReport.LimitResult] = []
        for id in 0..<ids.count {
            let old = ids.beforeEntry[id].map { before.entries[$0].limit }
            let new = ids.afterEntry[id].map { after.entries[$0].limit }
            guard let shown = new ?? old else { continue }
            let refusedBefore = ids.beforeEntry[id].map { live.refusedByLimit[$0].reduce(0, +) } ?? 0
            let refusedAfter = ids.afterEntry[id].map { planned.refusedByLimit[$0].reduce(0, +) } ?? 0
            let busiest: [SimulationReport.BusyKey] =
                if let entry = ids.afterEntry[id] {
                    planned.busiest(entry, keys: keyNames)
                } else {
                    ids.beforeEntry[id].map { live.busiest($0, keys: keyNames) } ?? []
                }
            results.append(
                SimulationReport.LimitResult(
                    name: shown.name, previousName: old.flatMap { $0.name != shown.name ? $0.name : nil },
                    status: status(old, new), sends: sends[id], refusedBefore: refusedBefore,
                    refusedAfter: refusedAfter, change: refusedAfter - refusedBefore,
                    newlyRefused: newly[id].sends, noLongerRefused: noLonger[id].sends,
                    buckets: buckets(
                        old, new, before: ids.beforeEntry[id].map { live.refusedByLimit[$0] },
                        after: ids.afterEntry[id].map { planned.refusedByLimit[$0] }),
                    newlyRefusedKeys: newly[id].report(),
                    noLongerRefusedKeys: noLonger[id].report(),
                    busiestKeys: busiest
                ))
        }
        results.sort { ($0.name, $0.previousName ?? "") < ($1.name, $1.previousName ?? "") }
        if !showKeys { results = masked(results) }
        let totalBefore = results.reduce(0) { $0 + $1.refusedBefore }
        let totalAfter = results.reduce(0) { $0 + $1.refusedAfter }
        return SimulationReport(
            environment: environment,
            traffic: .init(
                file: file, sends: traffic.events.count, from: traffic.events.first.map { Timestamp.format($0.time) },
                until: traffic.events.last.map { Timestamp.format($0.time) }),
            keysShown: showKeys,
            totals: .init(
                sends: traffic.events.count, refusedBefore: totalBefore, refusedAfter: totalAfter,
                change: totalAfter - totalBefore, newlyRefused: newly.reduce(0) { $0 + $1.sends },
                noLongerRefused: noLonger.reduce(0) { $0 + $1.sends },
                newlyRefusedKeys: newly.reduce(0) { $0 + $1.first.count },
                noLongerRefusedKeys: noLonger.reduce(0) { $0 + $1.first.count }, namingRemovedLimits: namingRemoved),
            limits: results, removedLimitsNamed: removedNames.sorted()
        )
    }

    /// The results with every key value masked; keys that mask alike (two addresses of one network) are told
    /// apart by a number in the order the report lists them, `203.0.113.• #2`, which says nothing of the key.
    private static func masked(_ results: [SimulationReport.LimitResult]) -> [SimulationReport.LimitResult] {
        var listed: [String] = []
        var seen = Set<String>()
        for result in results {
            let keys =
                result.newlyRefusedKeys.map(\.key) + result.noLongerRefusedKeys.map(\.key)
                + result.busiestKeys.map(\.key)
            for key in keys where seen.insert(key).inserted { listed.append(key) }
        }
        var byMask: [String: [String]] = [:]
        for key in listed { byMask[KeyMask.mask(key), default: []].append(key) }
        var label: [String: String] = [:]
        for (mask, keys) in byMask {
            for (index, key) in keys.enumerated() { label[key] = keys.count == 1 ? mask : "\(mask) #\(index + 1)" }
        }
        func relabel(_ keys: [SimulationReport.KeySend]) -> [SimulationReport.KeySend] {
            keys.map { key in
                var key = key
                key.key = label[key.key]!
                return key
            }
        }
        return results.map { result in
            var result = result
            result.newlyRefusedKeys = relabel(result.newlyRefusedKeys)
            result.noLongerRefusedKeys = relabel(result.noLongerRefusedKeys)
            result.busiestKeys = result.busiestKeys.map { key in
                var key = key
                key.key = label[key.key]!
                return key
            }
            return result
        }
    }

    private static func status(_ old: Limit?, _ new: Limit?) -> SimulationReport.LimitStatus {
        switch (old, new) {
        case (nil, _): .added
        case (_, nil): .removed
        case (let old?, let new?):
            old.name == new.name && Set(old.buckets) == Set(new.buckets) ? .unchanged : .changed
        }
    }

    /// The buckets of both versions of a limit, matched by name: the planned version's in order, then the rest.
    private static func buckets(_ old: Limit?, _ new: Limit?, before: [Int]?, after: [Int]?)
        -> [SimulationReport.BucketResult]
    {
        let oldBuckets = old?.buckets ?? []
        let newBuckets = new?.buckets ?? []
        var names = newBuckets.map(\.name)
        for bucket in oldBuckets where !names.contains(bucket.name) { names.append(bucket.name) }
        return names.map { name in
            let oldIndex = oldBuckets.firstIndex { $0.name == name }
            let newIndex = newBuckets.firstIndex { $0.name == name }
            let refusedBefore = oldIndex.flatMap { index in before.map { $0[index] } } ?? 0
            let refusedAfter = newIndex.flatMap { index in after.map { $0[index] } } ?? 0
            return SimulationReport.BucketResult(
                name: name, before: oldIndex.map { .init(max: oldBuckets[$0].max, interval: oldBuckets[$0].interval) },
                after: newIndex.map { .init(max: newBuckets[$0].max, interval: newBuckets[$0].interval) },
                refusedBefore: refusedBefore, refusedAfter: refusedAfter, change: refusedAfter - refusedBefore)
        }
    }

    /// Every send's uses of one policy's limits, in one array.
    struct Uses {
        var all: [(limit: Int, key: Int)] = []
        var starts: [Int] = [0]

        init(capacity: Int) { starts.reserveCapacity(capacity + 1) }

        mutating func append(_ uses: [(limit: Int, key: Int)]) {
            all += uses
            starts.append(all.count)
        }

        subscript(send: Int) -> ArraySlice<(limit: Int, key: Int)> { all[starts[send]..<starts[send + 1]] }

        /// The `position`th use of send `send`.
        func use(_ position: Int, of send: Int) -> (limit: Int, key: Int) { all[starts[send] + position] }
    }

    /// The two replays while they run on two threads: each thread touches only its own side and outcomes.
    final class Replays: @unchecked Sendable {
        var live: Side
        var planned: Side
        var liveOutcomes: [(limit: Int, bucket: String, use: Int)?] = []
        var plannedOutcomes: [(limit: Int, bucket: String, use: Int)?] = []

        init(live: Side, planned: Side) {
            self.live = live
            self.planned = planned
        }
    }

    /// One policy's replay and its refusal counts.
    struct Side {
        let policy: SimulatedPolicy
        var replay: LimitEngine.Replay
        /// Per entry, per bucket: sends refused.
        var refusedByLimit: [[Int]]

        init(_ policy: SimulatedPolicy) {
            self.policy = policy
            replay = LimitEngine.Replay(limits: policy.entries.map(\.limit))
            refusedByLimit = policy.entries.map { Array(repeating: 0, count: $0.limit.buckets.count) }
        }

        /// The limits of this policy `event` names, with their key values (as numbered in `keys`, parallel to the
        /// event's limits), in checking order; a limit two of its names stand for (a live name and the name a plan
        /// renames it to) counts the send once per key value.
        func uses(_ event: TrafficEvent, keys: [Int]) -> [(limit: Int, key: Int)] {
            var uses: [(limit: Int, key: Int)] = []
            var sorted = true
            for (named, key) in zip(event.limits, keys) {
                guard let limit = policy.entry(named: named.name) else { continue }
                guard !uses.contains(where: { $0.limit == limit && $0.key == key }) else { continue }
                // Entries are in order of their names, so a send's uses in entry order are in the order the
                // emulator checks them, by each limit's name now (a renamed limit moves).
                if let last = uses.last, last.limit > limit { sorted = false }
                uses.append((limit, key))
            }
            if !sorted { uses.sort { $0.limit < $1.limit } }
            return uses
        }

        /// Offers every send in order: the outcome of each.
        mutating func replay(_ uses: Uses, at times: [Double]) -> [(limit: Int, bucket: String, use: Int)?] {
            times.indices.map { offer(uses[$0], at: times[$0]) }
        }

        /// Offers the send; on a refusal returns the limit, the bucket's name and which of `uses` refused it.
        mutating func offer(_ uses: ArraySlice<(limit: Int, key: Int)>, at time: Double) -> (
            limit: Int, bucket: String, use: Int
        )? {
            guard let refused = replay.offer(uses, at: time) else { return nil }
            refusedByLimit[refused.limit][refused.bucket] += 1
            return (refused.limit, policy.entries[refused.limit].limit.buckets[refused.bucket].name, refused.use)
        }

        /// The key values (named by `keys`) that came closest to a bucket's max, busiest first.
        func busiest(_ entry: Int, keys names: [String]) -> [SimulationReport.BusyKey] {
            let buckets = policy.entries[entry].limit.buckets
            var top: [(key: String, peaks: [Int], share: Double)] = []
            replay.forEachPeak(limit: entry) { key, peak in
                var share = 0.0
                for (index, bucket) in buckets.enumerated() {
                    share = max(share, Double(peak(index)) / Double(bucket.max))
                }
                // Only the busiest few are kept, so the keys are not all sorted.
                if top.count == busiestKeys, let last = top.last,
                    share < last.share || (share == last.share && names[key] > last.key)
                {
                    return
                }
                let candidate = (key: names[key], peaks: buckets.indices.map(peak), share: share)
                top.insert(candidate, at: top.firstIndex { Self.busier(candidate, than: $0) } ?? top.endIndex)
                if top.count > busiestKeys { top.removeLast() }
            }
            return top.map { key in
                SimulationReport.BusyKey(
                    key: key.key,
                    buckets: zip(buckets, key.peaks).map { bucket, peak in
                        .init(bucket: bucket.name, peak: peak, max: bucket.max, share: rounded(peak, bucket.max))
                    },
                    share: rounded(key.peaks, buckets))
            }
        }

        private static func busier(
            _ one: (key: String, peaks: [Int], share: Double), than other: (key: String, peaks: [Int], share: Double)
        ) -> Bool {
            one.share != other.share ? one.share > other.share : one.key < other.key
        }

        private func rounded(_ peak: Int, _ max: Int) -> Double {
            (Double(peak) / Double(Swift.max(1, max)) * 100).rounded() / 100
        }

        private func rounded(_ peaks: [Int], _ buckets: [Bucket]) -> Double {
            zip(peaks, buckets).map { rounded($0, $1.max) }.max() ?? 0
        }
    }

    /// The sends of one limit that changed outcome, by key value.
    struct ChangedKeys {
        var sends = 0
        /// Per key value: the first such send's time and bucket, and how many there were.
        var first: [String: (time: Double, bucket: String, sends: Int)] = [:]

        mutating func add(_ key: String, at time: Double, bucket: String) {
            sends += 1
            if let found = first[key] {
                first[key] = (found.time, found.bucket, found.sends + 1)
            } else {
                first[key] = (time, bucket, 1)
            }
        }

        func report() -> [SimulationReport.KeySend] {
            first.sorted { $0.value.time != $1.value.time ? $0.value.time < $1.value.time : $0.key < $1.key }.map {
                .init(
                    key: $0.key, at: Timestamp.format($0.value.time), bucket: $0.value.bucket,
                    sends: $0.value.sends)
            }
        }
    }

    /// The limits of both policies as one list of identities (a live sid, or a created limit's name): the
    /// entries each policy has for each.
    struct IdentityTable {
        /// Per before-entry, its identity.
        var before: [Int]
        /// Per after-entry, its identity.
        var after: [Int]
        /// Per identity, its entry in each policy.
        var beforeEntry: [Int?]
        var afterEntry: [Int?]
        var count: Int { beforeEntry.count }

        init(before: SimulatedPolicy, after: SimulatedPolicy) {
            var index: [String: Int] = [:]
            beforeEntry = []
            afterEntry = []
            self.before = []
            self.after = []
            for (position, entry) in before.entries.enumerated() {
                index[entry.id] = beforeEntry.count
                self.before.append(beforeEntry.count)
                beforeEntry.append(position)
                afterEntry.append(nil)
            }
            for (position, entry) in after.entries.enumerated() {
                if let id = index[entry.id] {
                    self.after.append(id)
                    afterEntry[id] = position
                } else {
                    index[entry.id] = beforeEntry.count
                    self.after.append(beforeEntry.count)
                    beforeEntry.append(nil)
                    afterEntry.append(position)
                }
            }
        }
    }
}
