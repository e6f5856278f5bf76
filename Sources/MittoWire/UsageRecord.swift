/// Usage for one channel (or `all`) over one period, as Mitto publishes it: the count is a string of digits.
public struct UsageRecord: Hashable, Sendable, Codable {
    /// `sms`, `call`, `email` or `all`.
    public var channel: String
    /// `OTPs sent by SMS`.
    public var description: String
    /// The account.
    public var accountSid: String
    /// The first day, `YYYY-MM-DD`.
    public var startTime: String
    /// The last day, `YYYY-MM-DD`.
    public var endTime: String
    /// Messages sent, as digits.
    public var count: String
    /// Always `OTP`.
    public var unit: String
    /// The path and query that give this record.
    public var uri: String

    /// Creates a record.
    public init(
        channel: String, description: String, accountSid: String, startTime: String, endTime: String, count: Int,
        uri: String
    ) {
        self.channel = channel
        self.description = description
        self.accountSid = accountSid
        self.startTime = startTime
        self.endTime = endTime
        self.count = String(count)
        self.unit = "OTP"
        self.uri = uri
    }
}

/// `{"code":200,"message":"OK","usageRecords":[…]}`.
public struct UsageEnvelope: Hashable, Sendable, Codable {
    /// Always 200.
    public var code: Int
    /// Always `OK`.
    public var message: String
    /// The records, by period then channel.
    public var usageRecords: [UsageRecord]

    /// Creates the envelope.
    public init(usageRecords: [UsageRecord]) {
        self.code = 200
        self.message = "OK"
        self.usageRecords = usageRecords
    }
}
