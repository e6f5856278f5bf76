import Foundation

/// The accounts an emulator serves, with authentication and the rules of who may act on whose objects.
public struct AccountDirectory: Sendable {
    /// One account as the directory knows it: itself and, for a sub-account, its parent.
    struct Entry: Sendable {
        var account: Account
        var parentSid: String?
        var allowlist: IPAllowlist
    }

    private let entries: [String: Entry]

    /// Builds a directory; account sids must be unique across parents and sub-accounts.
    public init(accounts: [Account]) throws(EmulatorConfigurationError) {
        var entries: [String: Entry] = [:]
        for account in accounts {
            let allowlist = try IPAllowlist(account.allowedIps, accountSid: account.sid)
            for (member, parent) in [(account, nil as String?)] + account.subAccounts.map({ ($0, account.sid) }) {
                guard Account.isValidSid(member.sid) else { throw .invalidAccountSid(member.sid) }
                guard entries[member.sid] == nil else { throw .duplicateAccount(member.sid) }
                guard !member.apiKey.isEmpty else { throw .emptyApiKey(member.sid) }
                entries[member.sid] = Entry(account: member, parentSid: parent, allowlist: allowlist)
            }
        }
        self.entries = entries
    }

    /// Every account and sub-account sid.
    public var accountSids: [String] { entries.keys.sorted() }

    /// The account whose sid and key these are, compared in constant time, or nil.
    func authenticate(sid: String, apiKey: String) -> Entry? {
        guard let entry = entries[sid] else {
            _ = constantTimeEquals(apiKey.utf8, apiKey.utf8)
            return nil
        }
        return constantTimeEquals(entry.account.apiKey.utf8, apiKey.utf8) ? entry : nil
    }

    /// The account `sid` names, before its key is checked: its allowlist is checked first.
    func entry(sid: String) -> Entry? { entries[sid] }

    /// Whether any account accepts requests from `address`; the others are refused before credentials are read.
    func allowsAnyAccount(from address: String) -> Bool {
        entries.values.contains { $0.allowlist.allows(address) }
    }

    /// Whether `caller` may read and change objects of `target`: its own, or a sub-account's.
    func may(_ caller: String, actOn target: String) -> Bool {
        caller == target || entries[target]?.parentSid == caller
    }

    /// The callback of `sid`, or of its parent for a sub-account.
    func callback(for sid: String) -> Account.Callback? {
        guard let entry = entries[sid] else { return nil }
        return entry.account.callback ?? entry.parentSid.flatMap { entries[$0]?.account.callback }
    }

    /// The account itself and its sub-accounts.
    func family(of sid: String) -> [String] {
        [sid] + entries.values.filter { $0.parentSid == sid }.map(\.account.sid).sorted()
    }

    /// Whether `sid` is an account this emulator knows.
    func contains(_ sid: String) -> Bool { entries[sid] != nil }
}
