/// Why an emulator could not be set up from its configuration.
public enum EmulatorConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// An account sid that is not `AC` and 32 lowercase hex digits.
    case invalidAccountSid(String)
    /// The same sid given twice.
    case duplicateAccount(String)
    /// An account without a key.
    case emptyApiKey(String)
    /// An allowlist entry that is neither an address nor a CIDR range.
    case invalidAllowedIp(accountSid: String, entry: String)
    /// An accounts file that could not be read or understood.
    case accountsFile(path: String, reason: String)
    /// No account configured at all.
    case noAccounts
    /// The database could not be opened or migrated.
    case database(path: String, reason: String)
    /// The delivery log could not be opened for appending.
    case deliveryLog(path: String)
    /// A limit or timeout out of range; the text says which and why.
    case invalidSetting(String)

    /// A sentence for the person starting the emulator.
    public var description: String {
        switch self {
        case .invalidAccountSid(let sid):
            "account sid '\(sid)' must be AC followed by 32 lowercase hex digits"
        case .duplicateAccount(let sid): "account \(sid) is configured twice"
        case .emptyApiKey(let sid): "account \(sid) has an empty apiKey"
        case .invalidAllowedIp(let sid, let entry):
            "account \(sid): allowedIps entry '\(entry)' is not an IP address or CIDR range"
        case .accountsFile(let path, let reason): "\(path): \(reason)"
        case .noAccounts:
            "no account configured: pass --accounts FILE, or --account-sid and --api-key (or MITTO_ACCOUNT_SID and MITTO_API_KEY)"
        case .database(let path, let reason): "cannot open database \(path): \(reason)"
        case .deliveryLog(let path): "cannot open the delivery log \(path) for appending"
        case .invalidSetting(let reason): reason
        }
    }
}
