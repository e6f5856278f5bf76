public import MittoClient
public import MittoEmulator

/// The accounts every test emulator serves: a parent with a sub-account, an unrelated account, and one whose
/// allowlist shuts out loopback.
public enum TestAccounts {
    /// The main account.
    public static let acme = Account(
        sid: "AC" + String(repeating: "a", count: 32), apiKey: "acme-secret-key-0001",
        subAccounts: [Account(sid: "AC" + String(repeating: "b", count: 32), apiKey: "acme-sub-secret-key-0002")]
    )
    /// `acme`'s sub-account.
    public static var acmeSub: Account { acme.subAccounts[0] }
    /// An account unrelated to `acme`.
    public static let other = Account(sid: "AC" + String(repeating: "c", count: 32), apiKey: "other-secret-key-0003")
    /// An account that accepts requests from 10.0.0.0/8 only, so loopback callers get 403.
    public static let walled = Account(
        sid: "AC" + String(repeating: "d", count: 32), apiKey: "walled-secret-key-0004", allowedIps: ["10.0.0.0/8"]
    )
    /// All of them.
    public static let all = [acme, other, walled]

    /// The client credentials of `account`.
    public static func credentials(_ account: Account) -> MittoCredentials {
        MittoCredentials(accountSid: account.sid, apiKey: account.apiKey)
    }
}

extension Account {
    /// The same account with another key.
    public func withKey(_ apiKey: String) -> Account {
        var copy = self
        copy.apiKey = apiKey
        return copy
    }
}
