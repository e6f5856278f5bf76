/// The ways a one-time password reaches a person.
public enum Channel: String, Hashable, Sendable, Codable, CaseIterable {
    /// A text message.
    case sms
    /// A voice call reading the code out (text-to-speech).
    case call
    /// An email.
    case email
}

/// The voices a `call` step may use.
public enum Voice: String, Hashable, Sendable, Codable, CaseIterable {
    /// A male voice.
    case man
    /// A female voice.
    case woman
}
