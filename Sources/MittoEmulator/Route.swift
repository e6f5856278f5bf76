import HTTPTypes
import MittoWire

/// What a handler is given: who called, the path's parameters, the headers, the query and the parsed body.
struct APIRequest: Sendable {
    /// The authenticated account, nil on routes that need none.
    var caller: AccountDirectory.Entry?
    /// Values of `{name}` segments.
    var parameters: [String: String]
    /// The request's header fields, such as `If-Match`.
    var headers: HTTPFields
    /// The query string's fields.
    var query: WireValue
    /// The body, read as JSON or form fields; nil when empty.
    var body: WireValue?
    /// Whether the body came as form fields, whose values are all text.
    var bodyIsForm: Bool

    /// The caller; only routes that require auth call this.
    var account: AccountDirectory.Entry {
        guard let caller else { preconditionFailure("route needs authentication but was served without") }
        return caller
    }
}

/// What a handler answers: a JSON-encodable payload, or raw bytes with their own type.
enum APIResponse: Sendable {
    case payload(any Encodable & Sendable)
    /// A payload with a status other than 200, such as a verify's 400 with `attemptsRemaining`.
    case payloadWithStatus(HTTPResponse.Status, any Encodable & Sendable)
    /// A 200 payload with headers of its own, such as a single object's `ETag`.
    case payloadWithHeaders(HTTPFields, any Encodable & Sendable)
    case raw(contentType: String, body: String)
}

/// One method on one path pattern of the API, such as `GET /2fa/limits/{limitSid}`.
struct Route: Sendable {
    /// The HTTP method.
    var method: HTTPRequest.Method
    /// The path with `{parameter}` segments.
    var pattern: String
    /// Whether callers must authenticate (everything but the OpenAPI document).
    var requiresAuth = true
    /// The handler.
    var handler: @Sendable (APIRequest) async throws -> APIResponse

    var segments: [Substring] { pattern.split(separator: "/") }

    /// The parameters if `path` fits the pattern, else nil.
    func match(_ pathSegments: [Substring]) -> [String: String]? {
        let own = segments
        guard own.count == pathSegments.count else { return nil }
        var parameters: [String: String] = [:]
        for (expected, actual) in zip(own, pathSegments) {
            if expected.hasPrefix("{") && expected.hasSuffix("}") {
                parameters[String(expected.dropFirst().dropLast())] = WireValue.percentDecoded(actual)
            } else if expected != actual {
                return nil
            }
        }
        return parameters
    }

    /// Literal segments count before parameters, so `/2fa/limits/search` wins over `/2fa/limits/{limitSid}`.
    var specificity: Int { segments.filter { !$0.hasPrefix("{") }.count }
}
