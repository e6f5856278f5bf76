/// An account the emulator accepts requests from.
public struct Account: Hashable, Sendable {
    /// Where the emulator reports status changes of this account's OTP requests.
    public struct Callback: Hashable, Sendable {
        /// The URL called.
        public var url: String
        /// `GET` (query string) or `POST` (JSON body).
        public var method: String

        /// Creates a callback setting.
        public init(url: String, method: String = "POST") {
            self.url = url
            self.method = method
        }
    }

    /// `AC` and 32 lowercase hex digits.
    public var sid: String
    /// The secret half of HTTP Basic auth.
    public var apiKey: String
    /// Addresses or CIDR ranges requests may come from; sub-accounts use their parent's.
    public var allowedIps: [String]
    /// The account's callback, if any.
    public var callback: Callback?
    /// Sub-accounts this account may act on through `accountSid`.
    public var subAccounts: [Account]

    /// Loopback only: what an account allows when its file names no addresses.
    public static let loopback = ["127.0.0.1", "::1"]

    /// Creates an account.
    public init(
        sid: String, apiKey: String, allowedIps: [String] = Account.loopback, callback: Callback? = nil,
        subAccounts: [Account] = []
    ) {
        self.sid = sid
        self.apiKey = apiKey
        self.allowedIps = allowedIps
        self.callback = callback
        self.subAccounts = subAccounts
    }

    /// Whether `sid` has the form of an account sid.
    public static func isValidSid(_ sid: String) -> Bool {
        sid.count == 34 && sid.hasPrefix("AC")
            && sid.utf8.dropFirst(2).allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}

extension Account: CustomStringConvertible {
    /// The sid only: an account's key never reaches a log line.
    public var description: String { "Account(\(sid))" }
}
