/// One delivery attempt in a workflow: a channel, what it sends and how long to wait for a verify before the next step.
public struct Step: Hashable, Sendable, Codable {
    /// The channel this step sends on.
    public var channel: Channel
    /// Seconds to wait for a successful verify before the next step sends the same code.
    public var timeout: Int
    /// The sender: an alphanumeric sender id or a phone number; for email the display sender.
    public var from: String?
    /// The message text; must contain `{code}`.
    public var body: String
    /// For `call`: a BCP 47 language tag or `engine.lang`.
    public var language: String?
    /// For `call`: the voice.
    public var voice: Voice?
    /// For `call`: how many times the message is read.
    public var `repeat`: Int?
    /// For `email`: the sender address.
    public var emailFrom: String?
    /// For `email`: the subject line.
    public var subject: String?

    /// Creates a step.
    public init(
        channel: Channel,
        timeout: Int,
        from: String? = nil,
        body: String,
        language: String? = nil,
        voice: Voice? = nil,
        repeat: Int? = nil,
        emailFrom: String? = nil,
        subject: String? = nil
    ) {
        self.channel = channel
        self.timeout = timeout
        self.from = from
        self.body = body
        self.language = language
        self.voice = voice
        self.repeat = `repeat`
        self.emailFrom = emailFrom
        self.subject = subject
    }
}
