import HTTPTypes
import MittoWire
import PolicyModel

/// A refusal the emulator answers with the API's own error body: `{"code":…,"message":…,"details":[…]}`.
public struct APIError: Error, Sendable {
    /// The HTTP status, repeated as `code` in the body.
    public var status: HTTPResponse.Status
    /// The sentence in `message`.
    public var message: String
    /// Field-level reasons, for 400.
    public var details: [ErrorDetail]?
    /// Extra headers such as `WWW-Authenticate`, `Allow` or `Retry-After`.
    public var headers: HTTPFields

    /// Creates an error.
    public init(
        _ status: HTTPResponse.Status, _ message: String, details: [ErrorDetail]? = nil, headers: HTTPFields = [:]
    ) {
        self.status = status
        self.message = message
        self.details = details
        self.headers = headers
    }

    /// The body the client receives.
    var envelope: StatusEnvelope {
        StatusEnvelope(code: status.code, message: message, details: details)
    }

    /// 400 with one detail per problem.
    static func invalid(_ problems: [FieldProblem]) -> APIError {
        APIError(
            .badRequest, "Invalid request: \(problems.count) problem\(problems.count == 1 ? "" : "s")",
            details: problems.map { ErrorDetail(field: $0.field.description, problem: $0.message) }
        )
    }

    /// 401 with the challenge header.
    static let unauthorized = APIError(
        .unauthorized, "Authentication required: HTTP Basic with accountSid and apiKey",
        headers: [.wwwAuthenticate: "Basic realm=\"Mitto 2FA\""]
    )

    /// 404 for a sid the caller cannot see.
    static func notFound(_ what: String, _ sid: String) -> APIError {
        APIError(.notFound, "\(what) \(sid) not found")
    }

    /// 403 for an `accountSid` that is neither the caller nor one of its sub-accounts.
    static func forbiddenAccount(_ sid: String) -> APIError {
        APIError(.forbidden, "Account \(sid) is not this account or one of its sub-accounts")
    }
}
