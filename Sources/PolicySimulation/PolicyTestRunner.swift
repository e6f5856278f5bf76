import LimitEngine
public import PolicyModel

/// Runs policy tests offline against the manifests' limits and workflows, with the emulator's rule
/// (``LimitEngine/Replay``) and its delivery schedule (``PolicyModel/Workflow/reachedSteps``).
///
/// A test starts with nothing counted. Offsets (`+30s`) count from the test's start: its earliest timestamp when it
/// has any, else time zero. Sends are offered in time order (a stable sort), each entry's `repeat` sends `every`
/// apart; limits are named as the manifests declare them (validate checks that each is).
public enum PolicyTestRunner {
    /// The results, one per test, in the order given.
    public static func run(_ manifests: ManifestSet) -> [PolicyTestResult] {
        var names: [String: Int] = [:]
        for (index, declared) in manifests.limits.enumerated() { names[declared.value.name] = index }
        let workflows = Dictionary(manifests.workflows.map { ($0.value.name, $0.value) }) { first, _ in first }
        let limits = manifests.limits.map(\.value)
        return manifests.tests.map { run($0, limits: limits, names: names, workflows: workflows) }
    }

    /// One expanded send: when, from which entry, and which of its repeats.
    private struct Planned {
        var time: Double
        var entry: Int
        var repeatIndex: Int
    }

    private static func run(
        _ test: PolicyTest, limits: [Limit], names: [String: Int], workflows: [String: Workflow]
    ) -> PolicyTestResult {
        let starts = test.sends.compactMap { send -> Double? in
            if case .absolute(let seconds) = send.at { return seconds }
            return nil
        }
        let origin = starts.min() ?? 0
        func seconds(_ time: TestTime) -> Double {
            switch time {
            case .offset(let offset): origin + Double(offset)
            case .absolute(let absolute): absolute
            }
        }
        func shown(_ time: Double, like written: TestTime) -> String {
            if case .absolute = written { return Timestamp.format(time) }
            return "+" + DurationText.format(Int((time - origin).rounded()))
        }
        var planned: [Planned] = []
        for (entry, send) in test.sends.enumerated() {
            for index in 0..<send.repeatCount {
                planned.append(
                    Planned(time: seconds(send.at) + Double(index * send.every), entry: entry, repeatIndex: index))
            }
        }
        let order = planned.indices.sorted { (planned[$0].time, $0) < (planned[$1].time, $1) }
        var replay = LimitEngine.Replay(limits: limits)
        var keyNumbers: [String: Int] = [:]
        var failures: [PolicyTestFailure] = []
        let total = planned.count
        for (position, index) in order.enumerated() {
            let item = planned[index]
            let send = test.sends[item.entry]
            var uses: [(limit: Int, key: Int)] = []
            for (name, key) in send.limits.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
                guard let limit = names[name] else { continue }
                let number = keyNumbers[key, default: keyNumbers.count]
                keyNumbers[key] = number
                uses.append((limit, number))
            }
            let refused = replay.offer(uses, at: item.time)
            let actual: TestOutcome =
                refused.map { .refused(limit: limits[$0.limit].name, bucket: limits[$0.limit].buckets[$0.bucket].name) }
                ?? .admitted
            let label =
                "send \(position + 1) of \(total)"
                + (send.repeatCount > 1 ? " (repeat \(item.repeatIndex + 1) of \(send.repeatCount))" : "")
                + " at \(shown(item.time, like: send.at))"
            func fail(_ key: String, expected: String, actual: String) {
                failures.append(
                    PolicyTestFailure(
                        location: send.expectationLocations[key] ?? send.location, send: label, expected: expected,
                        actual: actual))
            }
            if let expected = send.expect, !matches(expected, actual) {
                fail("expect", expected: expected.description, actual: actual.description)
            }
            let workflow = send.workflow.flatMap { workflows[$0] }
            if let reaches = send.reaches {
                let expected = reaches.map { "\($0.channel.rawValue) at \(shown(seconds($0.at), like: $0.at))" }
                let steps = refused != nil ? [] : workflow?.reachedSteps ?? []
                let same =
                    steps.count == reaches.count
                    && zip(steps, reaches).allSatisfy { step, reach in
                        step.step.channel == reach.channel && item.time + Double(step.after) == seconds(reach.at)
                    }
                if !same {
                    let reached = steps.enumerated().map { index, step in
                        let like = index < reaches.count ? reaches[index].at : send.at
                        return "\(step.step.channel.rawValue) at \(shown(item.time + Double(step.after), like: like))"
                    }
                    fail(
                        "reaches", expected: "reaches " + list(expected),
                        actual: refused != nil ? "refused, so nothing is sent" : "reaches " + list(reached))
                }
            }
            if let expires = send.expires {
                let expected = shown(seconds(expires), like: expires)
                let ttl = workflow?.codeTtl ?? PolicyRules.codeTtlDefault
                let actual = item.time + Double(ttl)
                if refused != nil {
                    fail("expires", expected: "expires at \(expected)", actual: "refused, so no code")
                } else if actual != seconds(expires) {
                    fail(
                        "expires", expected: "expires at \(expected)",
                        actual: "expires at \(shown(actual, like: expires))")
                }
            }
        }
        // Reported in the order they are written, as a reader of the file meets them.
        failures.sort { ($0.location.line, $0.location.column) < ($1.location.line, $1.location.column) }
        return PolicyTestResult(name: test.name, location: test.location, sends: total, failures: failures)
    }

    private static func matches(_ expected: TestOutcome, _ actual: TestOutcome) -> Bool {
        switch (expected, actual) {
        case (.admitted, .admitted): true
        case (.refused(nil, _), .refused): true
        case (.refused(let limit?, nil), .refused(let actual?, _)): limit == actual
        case (.refused(let limit?, let bucket?), .refused(let actualLimit?, let actualBucket?)):
            limit == actualLimit && bucket == actualBucket
        default: false
        }
    }

    private static func list(_ items: [String]) -> String {
        items.isEmpty ? "nothing" : items.joined(separator: ", ")
    }
}

/// A policy test's outcome: passed when it has no failures.
public struct PolicyTestResult: Hashable, Sendable {
    /// The test's name.
    public var name: String
    /// Where it is declared.
    public var location: SourceLocation
    /// How many sends it made (repeats counted).
    public var sends: Int
    /// What did not happen as expected, in the order of the sends.
    public var failures: [PolicyTestFailure]

    /// Whether every expectation held.
    public var passed: Bool { failures.isEmpty }
}

/// One expectation that did not hold.
public struct PolicyTestFailure: Hashable, Sendable {
    /// Where the expectation is written.
    public var location: SourceLocation
    /// Which send: `send 4 of 5 at +3m`.
    public var send: String
    /// What the test expects.
    public var expected: String
    /// What happened.
    public var actual: String
}
