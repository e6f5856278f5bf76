/// A test of a policy, declared under `tests:` in a manifest: a sequence of sends and what must happen to each.
///
/// Run offline against the manifests (`mitto-policy test`), and before `plan` and `apply`.
public struct PolicyTest: Hashable, Sendable {
    /// The test's name, its key under `tests:`.
    public var name: String
    /// What it shows, for people.
    public var description: String?
    /// The sends, as written (a send with `repeat` stands for several).
    public var sends: [TestSend]
    /// Where the test's name is written.
    public var location: SourceLocation

    /// Creates a test.
    public init(name: String, description: String? = nil, sends: [TestSend], location: SourceLocation) {
        self.name = name
        self.description = description
        self.sends = sends
        self.location = location
    }
}

/// One send of a policy test (or `repeat` of them, `every` apart), with what must happen.
public struct TestSend: Hashable, Sendable {
    /// When: seconds after the test's start (`+30s`), or seconds since 1970 for a timestamp.
    public var at: TestTime
    /// The limits the send names, limit name to key value.
    public var limits: [String: String]
    /// The workflow the send uses, if any.
    public var workflow: String?
    /// The channel of a single-channel send, if given.
    public var channel: Channel?
    /// How many sends this stands for.
    public var repeatCount: Int
    /// Seconds between repeated sends.
    public var every: Int
    /// Whether each must be admitted or refused (and by what); nil: not checked.
    public var expect: TestOutcome?
    /// For a workflow send: the channels reached, and when, if the code is never verified.
    public var reaches: [TestReach]?
    /// When the code expires.
    public var expires: TestTime?
    /// Where the send is written.
    public var location: SourceLocation
    /// Where each expectation is written, for failures: `expect`, `reaches`, `expires`.
    public var expectationLocations: [String: SourceLocation]

    /// Creates a send.
    public init(
        at: TestTime, limits: [String: String] = [:], workflow: String? = nil, channel: Channel? = nil,
        repeatCount: Int = 1, every: Int = 0, expect: TestOutcome? = nil, reaches: [TestReach]? = nil,
        expires: TestTime? = nil, location: SourceLocation, expectationLocations: [String: SourceLocation] = [:]
    ) {
        self.at = at
        self.limits = limits
        self.workflow = workflow
        self.channel = channel
        self.repeatCount = repeatCount
        self.every = every
        self.expect = expect
        self.reaches = reaches
        self.expires = expires
        self.location = location
        self.expectationLocations = expectationLocations
    }
}

/// A time in a policy test: an offset from the test's start, or an absolute time.
public enum TestTime: Hashable, Sendable, CustomStringConvertible {
    /// Seconds after the test's start.
    case offset(Int)
    /// Seconds since 1970.
    case absolute(Double)

    /// `+1m30s`, or the RFC 3339 time.
    public var description: String {
        switch self {
        case .offset(let seconds): "+" + DurationText.format(seconds)
        case .absolute(let seconds): "@\(seconds)"
        }
    }
}

/// What must happen to a send.
public enum TestOutcome: Hashable, Sendable, CustomStringConvertible {
    /// Every limit admits it.
    case admitted
    /// A limit refuses it; with a limit (and bucket), that one must be the one that does.
    case refused(limit: String?, bucket: String?)

    /// `admitted`, `refused`, `refused by limit_on_phone.burst`.
    public var description: String {
        switch self {
        case .admitted: "admitted"
        case .refused(let limit?, let bucket?): "refused by \(limit).\(bucket)"
        case .refused(let limit?, nil): "refused by \(limit)"
        case .refused: "refused"
        }
    }
}

/// A channel a workflow send reaches, and when.
public struct TestReach: Hashable, Sendable, CustomStringConvertible {
    /// The channel.
    public var channel: Channel
    /// When its message is sent.
    public var at: TestTime

    /// Creates a reach.
    public init(channel: Channel, at: TestTime) {
        self.channel = channel
        self.at = at
    }

    /// `call at +1m`.
    public var description: String { "\(channel.rawValue) at \(at)" }
}

extension Workflow {
    /// The steps whose message is sent when the code is never verified, with seconds after the send: each step
    /// waits for the earlier ones' timeouts, and a step due at or after the code's expiry is never sent (as the
    /// emulator delivers them).
    public var reachedSteps: [(index: Int, step: Step, after: Int)] {
        var reached: [(index: Int, step: Step, after: Int)] = []
        var due = 0
        for (index, step) in steps.enumerated() {
            guard due < codeTtl else { break }
            reached.append((index, step, due))
            due += step.timeout
        }
        return reached
    }
}
