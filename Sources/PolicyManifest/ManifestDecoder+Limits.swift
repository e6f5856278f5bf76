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
        warnAboutBuckets(buckets, nodes: bucketNodes)
        limits.append(Declared(limit, previousName: previousName, location: reader.location(nameNode)))
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

    private mutating func warnAboutBuckets(_ buckets: [Bucket], nodes: [YAMLNode]) {
        for (bucket, node) in zip(buckets, nodes) {
            let place = reader.location(node)
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
        guard buckets.count == 2, nodes.count == 2 else { return }
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
                        at: reader.location(nodes[other]),
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
                        at: reader.location(nodes[index]),
                        hint: "give the shorter window the smaller max"
                    )
                )
            }
        }
    }
}
