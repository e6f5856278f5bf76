/// A place inside a limit or workflow, such as `buckets[1].max`.
public struct FieldPath: Hashable, Sendable, CustomStringConvertible {
    /// One step of a path: a key in an object or an index in a list.
    public enum Component: Hashable, Sendable {
        /// A key in an object.
        case key(String)
        /// A position in a list, 0-based.
        case index(Int)
    }

    /// The steps from the object's root.
    public var components: [Component]

    /// Creates a path from its steps.
    public init(_ components: [Component] = []) {
        self.components = components
    }

    /// The path one key further down.
    public func appending(_ key: String) -> FieldPath {
        FieldPath(components + [.key(key)])
    }

    /// The path one list position further down.
    public func appending(index: Int) -> FieldPath {
        FieldPath(components + [.index(index)])
    }

    /// The path as the API writes it in error details: `steps[0].timeout`.
    public var description: String {
        var text = ""
        for component in components {
            switch component {
            case .key(let key): text += text.isEmpty ? key : "." + key
            case .index(let index): text += "[\(index)]"
            }
        }
        return text
    }
}

/// What is wrong with a value, as a stable code that tools and tests can match.
public enum ProblemKind: String, Hashable, Sendable, Codable {
    /// A required field is absent.
    case missing
    /// A value of the wrong JSON or YAML type.
    case wrongType = "wrong-type"
    /// A number outside its allowed range, or a text too long.
    case outOfRange = "out-of-range"
    /// A text that does not have the required form.
    case invalidFormat = "invalid-format"
    /// A field the object does not have.
    case unknownField = "unknown-field"
    /// A name used twice where names must be unique.
    case duplicate
    /// A rule that relates several fields.
    case inconsistent
    /// A message body without the `{code}` placeholder.
    case missingCodePlaceholder = "body-without-code"
    /// Step timeouts that add up to more than the code's lifetime.
    case timeoutsExceedTtl = "timeouts-exceed-ttl"
    /// A field that does not apply to the step's channel, such as `voice` on an SMS step.
    case wrongChannelField = "wrong-channel-field"
}

/// One thing wrong with a limit or workflow, found without any I/O.
public struct FieldProblem: Hashable, Sendable, CustomStringConvertible {
    /// Where the problem is.
    public var field: FieldPath
    /// Its kind.
    public var kind: ProblemKind
    /// A sentence for a person, such as `must be between 1 and 1000000, got 0`.
    public var message: String

    /// Creates a problem.
    public init(field: FieldPath, kind: ProblemKind, message: String) {
        self.field = field
        self.kind = kind
        self.message = message
    }

    /// `field: message`.
    public var description: String { "\(field): \(message)" }
}
