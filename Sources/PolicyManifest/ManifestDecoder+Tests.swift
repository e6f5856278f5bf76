import PolicyModel
import YAMLNodes

/// `tests:`: policy tests, each a list of sends and what must happen to them.
///
/// ```yaml
/// tests:
///   burst_stops_the_fourth_code:
///     description: three codes in ten minutes, then the fourth is refused
///     sends:
///       - {at: +0s, repeat: 3, every: 1m, limits: {limit_on_phone: "+41790000001"}, expect: admitted}
///       - {at: +3m, limits: {limit_on_phone: "+41790000001"}, expect: refused by limit_on_phone.burst}
///   login_falls_back_to_a_call:
///     sends:
///       - {at: +0s, workflow: login, expect: admitted, reaches: [sms at +0s, call at +1m], expires: +10m}
/// ```
extension ManifestDecoder {
    static let testKeys = ["description", "sends"]
    static let sendKeys = ["at", "limits", "workflow", "channel", "repeat", "every", "expect", "reaches", "expires"]
    /// The most sends one entry may stand for.
    static let maxRepeat = 10_000
    /// The longest offset and gap a test may name: a year, the longest window a bucket may have.
    static let maxOffset = PolicyRules.bucketInterval.upperBound

    mutating func decodeTests(_ node: YAMLNode) {
        guard let entries = reader.mapping(node, what: "'tests'", known: []) else { return }
        for (name, keyNode, value) in entries {
            guard !name.isEmpty, name.count <= 128 else {
                reader.error("invalid-name", "a test name must be 1 to 128 characters", at: keyNode)
                continue
            }
            let what = "test '\(name)'"
            guard let fields = reader.mapping(value, what: what, known: Self.testKeys) else { continue }
            var test = PolicyTest(name: name, sends: [], location: reader.location(keyNode))
            var hasSends = false
            for (key, _, value) in fields {
                switch key {
                case "description": test.description = reader.string(value, what: "description")
                case "sends":
                    hasSends = true
                    guard let items = reader.list(value, what: "sends") else { continue }
                    if items.isEmpty { reader.error("out-of-range", "\(what) needs at least one send", at: value) }
                    test.sends = items.compactMap { decodeSend($0) }
                default: break
                }
            }
            if !hasSends {
                reader.error(
                    "missing-key", "\(what) needs 'sends'", at: keyNode,
                    hint: "add sends: [{at: +0s, limits: {LIMIT: KEY}, expect: admitted}]")
            }
            tests.append(test)
        }
    }

    private mutating func decodeSend(_ node: YAMLNode) -> TestSend? {
        guard let fields = reader.mapping(node, what: "a send", known: Self.sendKeys) else { return nil }
        var send = TestSend(at: .offset(0), location: reader.location(node))
        var valid = true
        var hasAt = false
        for (key, keyNode, value) in fields {
            switch key {
            case "at":
                hasAt = true
                if let time = testTime(value, what: "at") { send.at = time } else { valid = false }
            case "limits":
                guard let pairs = reader.mapping(value, what: "limits", known: []) else {
                    valid = false
                    continue
                }
                for (name, _, keyValue) in pairs {
                    if let text = reader.string(keyValue, what: "the key value of \(name)", numbersAsText: true) {
                        send.limits[name] = text
                    } else {
                        valid = false
                    }
                }
            case "workflow": send.workflow = reader.string(value, what: "workflow")
            case "channel":
                guard let text = reader.string(value, what: "channel") else { continue }
                if let channel = Channel(rawValue: text) {
                    send.channel = channel
                } else {
                    reader.error(
                        "invalid-value", "channel must be sms, call or email, got '\(text)'", at: value)
                    valid = false
                }
            case "repeat":
                guard let count = reader.int(value, what: "repeat") else {
                    valid = false
                    continue
                }
                guard (1...Self.maxRepeat).contains(count) else {
                    reader.error(
                        "out-of-range", "repeat must be between 1 and \(Self.maxRepeat), got \(count)", at: value)
                    valid = false
                    continue
                }
                send.repeatCount = count
            case "every":
                guard let seconds = reader.duration(value, what: "every") else {
                    valid = false
                    continue
                }
                guard seconds <= Self.maxOffset else {
                    reader.error(
                        "out-of-range", "every must be at most \(DurationText.format(Self.maxOffset))", at: value)
                    valid = false
                    continue
                }
                send.every = seconds
            case "expect":
                send.expectationLocations[key] = reader.location(keyNode)
                guard let text = reader.string(value, what: "expect") else {
                    valid = false
                    continue
                }
                if let outcome = Self.outcome(text) {
                    send.expect = outcome
                } else {
                    reader.error(
                        "invalid-value",
                        "expect must be 'admitted', 'refused', 'refused by LIMIT' or 'refused by LIMIT.BUCKET', "
                            + "got '\(text)'", at: value)
                    valid = false
                }
            case "reaches":
                send.expectationLocations[key] = reader.location(keyNode)
                guard let items = reader.list(value, what: "reaches") else {
                    valid = false
                    continue
                }
                var reaches: [TestReach] = []
                for item in items {
                    if let reach = self.reach(item) { reaches.append(reach) } else { valid = false }
                }
                send.reaches = reaches
            case "expires":
                send.expectationLocations[key] = reader.location(keyNode)
                if let time = testTime(value, what: "expires") { send.expires = time } else { valid = false }
            default: break
            }
        }
        if !hasAt {
            reader.error("missing-key", "a send needs 'at'", at: node, hint: "add at: +0s (after the test's start)")
            valid = false
        }
        if send.repeatCount > 1 && !fields.contains(where: { $0.key == "every" }) {
            reader.error("missing-key", "a send with repeat needs 'every'", at: node, hint: "add every: 1m")
            valid = false
        }
        if send.workflow != nil && send.channel != nil {
            reader.error("conflicting-keys", "a send names a workflow or a channel, not both", at: node)
            valid = false
        }
        if send.reaches != nil && send.workflow == nil {
            reader.error("missing-key", "'reaches' needs the send's 'workflow'", at: node)
            valid = false
        }
        if send.repeatCount > 1 && (send.reaches != nil || send.expires != nil) {
            reader.error(
                "conflicting-keys", "'reaches' and 'expires' describe one send; a send with repeat is several",
                at: node,
                hint: "give the send whose channels and expiry you check an entry of its own")
            valid = false
        }
        if send.repeatCount * send.every > Self.maxOffset {
            reader.error(
                "out-of-range",
                "repeat \(send.repeatCount) every \(DurationText.format(send.every)) spans more than "
                    + DurationText.format(Self.maxOffset), at: node)
            valid = false
        }
        return valid ? send : nil
    }

    /// `+30s` (after the test's start), `0`, or an RFC 3339 time.
    private mutating func testTime(_ node: YAMLNode, what: String) -> TestTime? {
        if node.scalarType == .int, let seconds = node.int, (0...Self.maxOffset).contains(seconds) {
            return .offset(seconds)
        }
        guard let text = reader.string(node, what: what) else { return nil }
        if let time = Self.time(text) { return time }
        reader.error(
            "invalid-time", "\(what) must be an offset such as +0s or +1m30s, or an RFC 3339 time, got '\(text)'",
            at: node)
        return nil
    }

    /// `call at +1m`, or `{channel: call, at: +1m}`.
    private mutating func reach(_ node: YAMLNode) -> TestReach? {
        if node.mappingPairs != nil {
            guard let fields = reader.mapping(node, what: "a reach", known: ["channel", "at"]) else { return nil }
            var channel: Channel?
            var time: TestTime?
            for (key, _, value) in fields {
                if key == "channel" {
                    channel = reader.string(value, what: "channel").flatMap(Channel.init(rawValue:))
                    if channel == nil { reader.error("invalid-value", "channel must be sms, call or email", at: value) }
                } else {
                    time = testTime(value, what: "at")
                }
            }
            guard let channel, let time else {
                if channel != nil || time != nil {
                    reader.error("missing-key", "a reach needs 'channel' and 'at'", at: node)
                }
                return nil
            }
            return TestReach(channel: channel, at: time)
        }
        guard let text = reader.string(node, what: "a reach") else { return nil }
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        if parts.count == 3, parts[1] == "at", let channel = Channel(rawValue: String(parts[0])),
            let time = Self.time(String(parts[2]))
        {
            return TestReach(channel: channel, at: time)
        }
        reader.error(
            "invalid-value", "a reach is 'CHANNEL at TIME', such as 'call at +1m', got '\(text)'", at: node)
        return nil
    }

    /// `+1m30s` (at most a year), or an RFC 3339 time (never bare seconds: `"600"` is not a date).
    static func time(_ text: String) -> TestTime? {
        if text.hasPrefix("+") {
            guard let seconds = DurationText.seconds(String(text.dropFirst())), seconds <= maxOffset else { return nil }
            return .offset(seconds)
        }
        guard text.contains("-"), text.contains(":"), let seconds = Timestamp.parse(text) else { return nil }
        return .absolute(seconds)
    }

    /// `admitted`, `refused`, `refused by LIMIT` or `refused by LIMIT.BUCKET` (split once the limits are known).
    static func outcome(_ text: String) -> TestOutcome? {
        let words = text.split(separator: " ", omittingEmptySubsequences: true)
        switch words.count {
        case 1 where words[0] == "admitted": return .admitted
        case 1 where words[0] == "refused": return .refused(limit: nil, bucket: nil)
        case 3 where words[0] == "refused" && words[1] == "by": return .refused(limit: String(words[2]), bucket: nil)
        default: return nil
        }
    }
}
