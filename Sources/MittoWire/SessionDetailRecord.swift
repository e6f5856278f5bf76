/// The state of an OTP request.
public enum OTPStatus: String, Hashable, Sendable, Codable, CaseIterable {
    /// Sent, waiting for a verify.
    case pending
    /// The right code was given.
    case verified
    /// The verify attempts were used up.
    case failed
    /// The code's lifetime passed.
    case expired
    /// Cancelled before a verify.
    case cancelled
    /// Refused by a limit; nothing was sent.
    case blocked
}

/// One message sent for a request: a channel, when, and what the network said.
public struct DeliveryAttempt: Hashable, Sendable, Codable {
    /// `sms`, `call` or `email`.
    public var channel: String
    /// RFC 3339 UTC time the message was handed to the network.
    public var sentAt: String
    /// `delivered` or `failed`.
    public var deliveryStatus: String

    /// Creates an attempt.
    public init(channel: String, sentAt: String, deliveryStatus: String) {
        self.channel = channel
        self.sentAt = sentAt
        self.deliveryStatus = deliveryStatus
    }
}

/// The limit and bucket that refused a send.
public struct BlockedBy: Hashable, Sendable, Codable {
    /// The limit's name.
    public var limit: String
    /// The bucket's name.
    public var bucket: String

    /// Creates the pair.
    public init(limit: String, bucket: String) {
        self.limit = limit
        self.bucket = bucket
    }
}

/// A session detail record: everything about one OTP request except its code, which no record ever holds.
public struct SessionDetailRecord: Hashable, Sendable, Codable {
    /// `OTP` and 32 hex digits.
    public var requestID: String
    /// The account the request belongs to.
    public var accountSid: String
    /// The application's service name, if given.
    public var service: String?
    /// The sender used for the first message.
    public var from: String?
    /// The recipient: a phone number or an email address.
    public var to: String
    /// The channel of a single-channel request.
    public var channel: String?
    /// The workflow's name for a workflow request.
    public var workflow: String?
    /// The request's state.
    public var status: OTPStatus
    /// For blocked requests, what refused them.
    public var blockedBy: BlockedBy?
    /// The limits map the request named.
    public var limits: [String: String]
    /// One entry per message sent.
    public var attempts: [DeliveryAttempt]
    /// How many verifies were tried.
    public var verifyAttempts: Int
    /// RFC 3339 UTC time of the request.
    public var dateCreated: String
    /// RFC 3339 UTC time of the last change.
    public var dateUpdated: String
    /// The record's path.
    public var uri: String

    /// Creates a record.
    public init(
        requestID: String, accountSid: String, service: String?, from: String?, to: String, channel: String?,
        workflow: String?, status: OTPStatus, blockedBy: BlockedBy?, limits: [String: String],
        attempts: [DeliveryAttempt], verifyAttempts: Int, dateCreated: String, dateUpdated: String
    ) {
        self.requestID = requestID
        self.accountSid = accountSid
        self.service = service
        self.from = from
        self.to = to
        self.channel = channel
        self.workflow = workflow
        self.status = status
        self.blockedBy = blockedBy
        self.limits = limits
        self.attempts = attempts
        self.verifyAttempts = verifyAttempts
        self.dateCreated = dateCreated
        self.dateUpdated = dateUpdated
        self.uri = "/2fa/search/\(requestID)"
    }
}

extension SessionDetailRecord: ListedResource {
    /// Session detail records are listed under `records`.
    public static var listKey: String { "records" }
}

/// `{"code":200,"message":"OK","requestID":"OTP…"}`, the answer to a send.
public struct SendResponse: Hashable, Sendable, Codable {
    /// Always 200.
    public var code: Int
    /// Always `OK`.
    public var message: String
    /// The new request's id.
    public var requestID: String

    /// Creates the answer.
    public init(requestID: String) {
        self.code = 200
        self.message = "OK"
        self.requestID = requestID
    }
}

/// The answer to a verify or cancel: the request's status and, after a wrong code, the attempts left.
public struct VerifyResponse: Hashable, Sendable, Codable {
    /// The HTTP status.
    public var code: Int
    /// A sentence.
    public var message: String
    /// The request.
    public var requestID: String
    /// The request's status after this call.
    public var status: OTPStatus
    /// Verifies left, after a wrong code.
    public var attemptsRemaining: Int?

    /// Creates the answer.
    public init(code: Int, message: String, requestID: String, status: OTPStatus, attemptsRemaining: Int? = nil) {
        self.code = code
        self.message = message
        self.requestID = requestID
        self.status = status
        self.attemptsRemaining = attemptsRemaining
    }
}

/// `{"code":200,"message":"OK","record":{…}}`, one session detail record.
public struct RecordEnvelope: Hashable, Sendable, Codable {
    /// Always 200.
    public var code: Int
    /// Always `OK`.
    public var message: String
    /// The record.
    public var record: SessionDetailRecord

    /// Creates the envelope.
    public init(record: SessionDetailRecord) {
        self.code = 200
        self.message = "OK"
        self.record = record
    }
}
