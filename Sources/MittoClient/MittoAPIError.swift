public import MittoWire

/// A failed API call: the request, what went wrong, and how often it was tried. Never holds credentials.
public struct MittoAPIError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Reason: Sendable, Equatable {
        /// The API answered with an error status and body.
        case status(code: Int, message: String, details: [ErrorDetail])
        /// No answer: a refused or dropped connection, or a timeout.
        case transport(String)
        /// An answer that could not be read as the API's format.
        case invalidResponse(status: Int, reason: String)
        /// The retry budget ran out before the call succeeded; the last failure is kept.
        indirect case retriesExhausted(last: Reason, attempts: Int)
    }

    /// The HTTP method.
    public var method: String
    /// The path and query, such as `/2fa/limits/search?page=0&pageSize=1000`.
    public var path: String
    /// What went wrong.
    public var reason: Reason

    /// Creates an error.
    public init(method: String, path: String, reason: Reason) {
        self.method = method
        self.path = path
        self.reason = reason
    }

    /// The HTTP status, when the API answered.
    public var status: Int? {
        switch reason {
        case .status(let code, _, _): code
        case .invalidResponse(let status, _): status
        case .retriesExhausted(let last, _):
            MittoAPIError(method: method, path: path, reason: last).status
        case .transport: nil
        }
    }

    /// `POST /2fa/limits: 409: A limit named 'x' already exists (details: …)`.
    public var description: String {
        "\(method) \(path): \(Self.describe(reason))"
    }

    private static func describe(_ reason: Reason) -> String {
        switch reason {
        case .status(let code, let message, let details):
            let detailText = details.map { "\($0.field.isEmpty ? "" : $0.field + ": ")\($0.problem)" }
            return "\(code): \(message)" + (detailText.isEmpty ? "" : " (" + detailText.joined(separator: "; ") + ")")
        case .transport(let text): return "no answer: \(text)"
        case .invalidResponse(let status, let text): return "unreadable answer (status \(status)): \(text)"
        case .retriesExhausted(let last, let attempts): return "gave up after \(attempts) attempts: " + describe(last)
        }
    }
}
