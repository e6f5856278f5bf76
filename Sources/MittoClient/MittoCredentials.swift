import Foundation

/// An account sid and its API key, for HTTP Basic auth. Printing it never shows the key.
public struct MittoCredentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The account sid, `AC…`.
    public var accountSid: String
    /// The secret key.
    public var apiKey: String

    /// Creates credentials.
    public init(accountSid: String, apiKey: String) {
        self.accountSid = accountSid
        self.apiKey = apiKey
    }

    /// The `Authorization` header value.
    var authorizationHeader: String {
        "Basic " + Data("\(accountSid):\(apiKey)".utf8).base64EncodedString()
    }

    /// The sid and a redacted key.
    public var description: String { "MittoCredentials(accountSid: \(accountSid), apiKey: <redacted>)" }

    /// The same as `description`, so a debugger or `dump` shows no key either.
    public var debugDescription: String { description }

    /// A mirror without the key, so `dump` and debuggers cannot show it.
    public var customMirror: Mirror {
        Mirror(self, children: ["accountSid": accountSid, "apiKey": "<redacted>"])
    }
}
