import Foundation
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
    /// A 200 body already written as the API's JSON; rendered as it is, or turned into XML when that is asked for.
    case json(Data)
    /// A body already written as the API's JSON, with a status other than 200.
    case jsonWithStatus(HTTPResponse.Status, Data)
}

/// One method on one path pattern of the API, such as `GET /2fa/limits/{limitSid}`.
struct Route: Sendable {
    /// The HTTP method.
    let method: HTTPRequest.Method
    /// The path with `{parameter}` segments.
    let pattern: String
    /// Whether callers must authenticate (everything but the OpenAPI document).
    let requiresAuth: Bool
    /// The handler.
    let handler: @Sendable (APIRequest) async throws -> APIResponse
    /// The pattern's segments: a literal, or a parameter's name.
    private let segments: [Segment]
    /// Literal segments count before parameters, so `/2fa/limits/search` wins over `/2fa/limits/{limitSid}`.
    let specificity: Int

    private enum Segment: Sendable {
        case literal(Substring)
        case parameter(String)
    }

    init(
        method: HTTPRequest.Method, pattern: String, requiresAuth: Bool = true,
        handler: @escaping @Sendable (APIRequest) async throws -> APIResponse
    ) {
        self.method = method
        self.pattern = pattern
        self.requiresAuth = requiresAuth
        self.handler = handler
        segments = pattern.split(separator: "/").map { segment in
            segment.hasPrefix("{") && segment.hasSuffix("}")
                ? .parameter(String(segment.dropFirst().dropLast())) : .literal(segment)
        }
        specificity = segments.filter { if case .literal = $0 { true } else { false } }.count
    }

    /// The parameters if `path` fits the pattern, else nil.
    func match(_ pathSegments: [Substring]) -> [String: String]? {
        guard segments.count == pathSegments.count else { return nil }
        for (expected, actual) in zip(segments, pathSegments) {
            if case .literal(let literal) = expected, literal != actual { return nil }
        }
        var parameters: [String: String] = [:]
        for (expected, actual) in zip(segments, pathSegments) {
            if case .parameter(let name) = expected { parameters[name] = WireValue.percentDecoded(actual) }
        }
        return parameters
    }
}
