public import MittoWire

/// A failed API call: the request, what went wrong, how often it was tried, and whether the server may have carried
/// it out all the same. Never holds credentials.
public struct MittoAPIError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Reason: Sendable, Equatable {
        /// The API answered with an error status and body.
        case status(code: Int, message: String, details: [ErrorDetail])
        /// No answer although the request may have reached the server: a timeout, a reset or closed connection.
        case transport(String)
        /// No connection could be made, so the request was never sent: refused, unreachable, unresolvable.
        case notConnected(String)
        /// An answer that could not be read as the API's format.
        case invalidResponse(status: Int, reason: String)
        /// The retry budget ran out before the call succeeded; the last failure is kept.
        indirect case retriesExhausted(last: Reason, attempts: Int)
        /// The account holds something other than what the call was sent for: an object of the name with other
        /// fields than were sent, or a listing that kept changing while it was read.
        case conflict(String)
        /// A write failed ambiguously and reading back what happened failed too; `check` says how.
        indirect case unconfirmed(last: Reason, check: String)
        /// The calling task was cancelled before the call finished.
        case cancelled
    }

    /// The HTTP method.
    public var method: String
    /// The path and query, such as `/2fa/limits/search?page=0&pageSize=1000`.
    public var path: String
    /// What went wrong.
    public var reason: Reason
    /// Whether the server may have carried out the call although it failed, so its outcome is unknown rather than
    /// failed: a write (POST, PUT, DELETE) whose answer was lost or timed out, that failed with a 5xx other than
    /// 503, or whose retries ran out after such a failure. Never true for a read, a refusal the API answered (4xx,
    /// 503), a connection that was never made, or a conflict found by reading back. Only a fresh read of the
    /// account tells what happened; the applier reports such a change as unknown, not as failed.
    public var isOutcomeUnknown: Bool

    /// Creates an error; `isOutcomeUnknown` defaults to what `method` and `reason` imply.
    public init(method: String, path: String, reason: Reason, isOutcomeUnknown: Bool? = nil) {
        self.method = method
        self.path = path
        self.reason = reason
        self.isOutcomeUnknown = isOutcomeUnknown ?? (Self.isWrite(method) && reason.mayHaveTakenEffect)
    }

    /// The HTTP status, when the API answered.
    public var status: Int? {
        switch reason {
        case .status(let code, _, _): code
        case .invalidResponse(let status, _): status
        case .retriesExhausted(let last, _), .unconfirmed(let last, _):
            MittoAPIError(method: method, path: path, reason: last).status
        case .transport, .notConnected, .conflict, .cancelled: nil
        }
    }

    /// `POST /2fa/limits: 409: A limit named 'x' already exists (details: …)`; an unknown outcome says so first.
    public var description: String {
        "\(method) \(path): \(isOutcomeUnknown ? "outcome unknown: " : "")\(Self.describe(reason))"
    }

    /// Whether `method` changes the account.
    static func isWrite(_ method: String) -> Bool {
        ["POST", "PUT", "DELETE", "PATCH"].contains(method.uppercased())
    }

    private static func describe(_ reason: Reason) -> String {
        switch reason {
        case .status(let code, let message, let details):
            let detailText = details.map { "\($0.field.isEmpty ? "" : $0.field + ": ")\($0.problem)" }
            return "\(code): \(message)" + (detailText.isEmpty ? "" : " (" + detailText.joined(separator: "; ") + ")")
        case .transport(let text), .notConnected(let text): return "no answer: \(text)"
        case .invalidResponse(let status, let text): return "unreadable answer (status \(status)): \(text)"
        case .retriesExhausted(let last, let attempts): return "gave up after \(attempts) attempts: " + describe(last)
        case .conflict(let text): return text
        case .unconfirmed(let last, let check): return describe(last) + "; reading back what happened failed: " + check
        case .cancelled: return "cancelled"
        }
    }
}

extension MittoAPIError.Reason {
    /// Whether the server may have done the work although this failure was all the client saw.
    var mayHaveTakenEffect: Bool {
        switch self {
        case .status(let code, _, _): code >= 500 && code != 501 && code != 503
        case .transport, .unconfirmed: true
        case .invalidResponse(let status, _): (200..<300).contains(status)
        case .retriesExhausted(let last, _): last.mayHaveTakenEffect
        case .notConnected, .conflict, .cancelled: false
        }
    }

    /// Whether the same request may be sent again after a pause: the server was busy or failing, or unreachable.
    var isRetryable: Bool {
        switch self {
        case .transport, .notConnected: true
        case .status(let code, _, _): code == 429 || code >= 500
        case .invalidResponse, .retriesExhausted, .conflict, .unconfirmed, .cancelled: false
        }
    }
}
