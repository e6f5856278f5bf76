import Foundation
import PolicyModel
import YAMLNodes

/// Limits: a limit's fields and buckets, with the warnings about buckets that never bind.
extension ManifestDecoder {
    mutating func decodeLimit(_ name: String, at nameNode: YAMLNode, _ node: YAMLNode) {
        let errorsBefore = errorCount
        guard let fields = reader.mapping(node, what: "limit '\(name)'", known: Self.limitKeys) else { return }
        var failed = Set<String>()
        var description: String?
        var previousName: String?
        var buckets: [Bucket] = []
        var bucketNodes: [YAMLNode] = []
        for (key, _, value) in fields {
            switch key {
            case "description":
                description = reader.string(value, what: "description")
                if description == nil && !value.isNull { failed.insert("description") }
            case "previousName": previousName = self.previousName(value)
            case "buckets":
                guard let items = reader.list(value, what: "buckets") else {
                    failed.insert("buckets")
                    continue
                }
                bucketNodes = items
                buckets.reserveCapacity(items.count)
                for (index, item) in items.enumerated() {
                    buckets.append(decodeBucket(item, index: index, failed: &failed))
                }
            default: break
            }
        }
        if !fields.contains(where: { $0.key == "buckets" }) {
            reader.error(
                "missing-key", "limit '\(name)' needs 'buckets'", at: nameNode,
                hint: "add buckets: [{name, max, interval}]")
            failed.insert("buckets")
        }
        let limit = Limit(name: name, description: description, buckets: buckets)
        let problems = PolicyRules.problems(in: limit)
        if !problems.isEmpty {
            report(
                problems.filter { !Self.isCausedByEarlierError($0, failed: failed) },
                object: nameNode, fields: fields, items: ["buckets": bucketNodes]
            )
        }
        guard errorCount == errorsBefore else { return }
        warnAboutBuckets(buckets, at: bucketNodes.map(reader.location))
        limits.append(Declared(limit, previousName: previousName, location: reader.location(nameNode)))
    }

    /// Reads a limit straight from its value's events when it has the common shape: a mapping of `description`,
    /// `previousName` and `buckets`, each bucket a mapping of `name`, `max` and `interval`, every scalar of its type
    /// with no `${…}` to fill in, no tags or anchors, no key repeated or unknown, and no rule broken. Such a limit
    /// reads exactly as `decodeLimit(_:at:_:)` reads its node, with no diagnostic but the bucket warnings. Returns
    /// false, having reported nothing, for anything else, which is then read from its node.
    mutating func decodeLimit(_ name: String, at nameNode: YAMLNode, events: [YAMLEvent]) -> Bool {
        var reader = EventReader(events)
        guard reader.startsCollection(mapping: true) else { return false }
        var description: String?
        var previousName: String?
        var buckets: [Bucket]?
        var bucketStarts: [YAMLMark] = []
        bucketStarts.reserveCapacity(2)
        // The keys met so far, one bit each (by their place in `limitKeys`): a repeated key is an error for
        // `decodeLimit(_:at:_:)` to report.
        var met = 0
        while !reader.endsCollection() {
            guard let key = reader.key(), let place = Self.limitKeys.firstIndex(of: key), met & (1 << place) == 0
            else { return false }
            met |= 1 << place
            switch key {
            case "description":
                guard let node = reader.scalar(), let text = Self.text(node) else { return false }
                description = text
            case "previousName":
                guard let node = reader.scalar(), let text = Self.text(node), PolicyRules.isValidName(text) else {
                    return false
                }
                previousName = text
            default:
                guard reader.startsCollection(mapping: false) else { return false }
                var read: [Bucket] = []
                read.reserveCapacity(2)
                while !reader.endsCollection() {
                    guard let start = reader.collectionStart, let bucket = Self.bucket(&reader) else { return false }
                    read.append(bucket)
                    bucketStarts.append(start)
                }
                buckets = read
            }
        }
        guard reader.isAtEnd, let buckets else { return false }
        let limit = Limit(name: name, description: description, buckets: buckets)
        guard PolicyRules.problems(in: limit).isEmpty else { return false }
        warnAboutBuckets(buckets, at: bucketStarts.map(self.reader.location))
        limits.append(Declared(limit, previousName: previousName, location: self.reader.location(nameNode)))
        return true
    }

    /// A bucket of the common shape from its events, or nil.
    private static func bucket(_ reader: inout EventReader) -> Bucket? {
        guard reader.startsCollection(mapping: true) else { return nil }
        var bucket = Bucket(name: "", max: 0, interval: 0)
        // The keys met so far, one bit each (by their place in `bucketKeys`, all three required).
        var met = 0
        while !reader.endsCollection() {
            guard let key = reader.key(), let place = bucketKeys.firstIndex(of: key), met & (1 << place) == 0,
                let value = reader.scalar()
            else { return nil }
            met |= 1 << place
            switch key {
            case "name":
                guard let text = text(value) else { return nil }
                bucket.name = text
            case "max":
                guard let max = number(value) else { return nil }
                bucket.max = max
            default:
                guard let interval = duration(value) else { return nil }
                bucket.interval = interval
            }
        }
        return met == 0b111 ? bucket : nil
    }

    /// A bucket, with stand-in values for fields that could not be read (their paths go into `failed`), so the
    /// remaining fields are still checked.
    private mutating func decodeBucket(_ node: YAMLNode, index: Int, failed: inout Set<String>) -> Bucket {
        // Paths are spelled only for failures.
        var path: String { "buckets[\(index)]" }
        // A stand-in name no real bucket can have, so a failed name never counts as a duplicate.
        var standIn: String { "\u{0}\(path)" }
        var bucket = Bucket(name: "", max: 1, interval: 1)
        guard let fields = reader.mapping(node, what: "a bucket", known: Self.bucketKeys) else {
            failed.insert(path)
            bucket.name = standIn
            return bucket
        }
        // One pass over the fields; the keys not met are reported after it, in `bucketKeys` order.
        var hasName = false
        var hasMax = false
        var hasInterval = false
        for (key, _, value) in fields {
            switch key {
            case "name":
                hasName = true
                if let name = reader.string(value, what: "a bucket's name") {
                    bucket.name = name
                } else {
                    failed.insert("\(path).name")
                    bucket.name = standIn
                }
            case "max":
                hasMax = true
                if let max = reader.int(value, what: "max") { bucket.max = max } else { failed.insert("\(path).max") }
            default:
                hasInterval = true
                if let interval = reader.duration(value, what: "interval") {
                    bucket.interval = interval
                } else {
                    failed.insert("\(path).interval")
                }
            }
        }
        guard !(hasName && hasMax && hasInterval) else { return bucket }
        for (key, found) in zip(Self.bucketKeys, [hasName, hasMax, hasInterval]) where !found {
            reader.error("missing-key", "a bucket needs '\(key)'", at: node)
            failed.insert("\(path).\(key)")
            if key == "name" { bucket.name = standIn }
        }
        return bucket
    }

    private mutating func warnAboutBuckets(_ buckets: [Bucket], at places: [SourceLocation]) {
        for (bucket, place) in zip(buckets, places) {
            if bucket.max >= PolicyRules.bucketMax.upperBound {
                reader.report(
                    .warning(
                        "loose-bucket", "bucket '\(bucket.name)' allows \(bucket.max) sends and never binds",
                        at: place, hint: "lower max, or remove the bucket"
                    )
                )
            }
            if bucket.max == 1 && bucket.interval > 86_400 {
                reader.report(
                    .warning(
                        "lockout-bucket",
                        "bucket '\(bucket.name)' allows 1 send per \(DurationText.format(bucket.interval)): after one "
                            + "code a user is locked out for that long",
                        at: place, hint: "allow a few sends, or use a shorter interval"
                    )
                )
            }
        }
        guard buckets.count == 2, places.count == 2 else { return }
        for (index, other) in [(0, 1), (1, 0)] {
            let short = buckets[index]
            let long = buckets[other]
            let shadowed =
                short.interval <= long.interval && short.max >= long.max
                && (short.interval < long.interval || short.max > long.max)
            // The longer window can hold at most this many sends the shorter one admits.
            let admitted = short.max * ((long.interval + short.interval - 1) / max(1, short.interval))
            if short.interval < long.interval && admitted <= long.max {
                reader.report(
                    .warning(
                        "never-refusing-bucket",
                        "bucket '\(long.name)' (\(long.max) per \(DurationText.format(long.interval))) can never "
                            + "refuse a send: '\(short.name)' (\(short.max) per \(DurationText.format(short.interval))) "
                            + "lets at most \(admitted) into any \(DurationText.format(long.interval))",
                        at: places[other],
                        hint: "lower its max below \(admitted), or remove it"
                    )
                )
            }
            if shadowed {
                reader.report(
                    .warning(
                        "shadowed-bucket",
                        "bucket '\(short.name)' (\(short.max) per \(DurationText.format(short.interval))) can never "
                            + "refuse a send: '\(long.name)' allows only \(long.max) per "
                            + "\(DurationText.format(long.interval))",
                        at: places[index],
                        hint: "give the shorter window the smaller max"
                    )
                )
            }
        }
    }
}
