import Foundation
import HTTPTypes
import Hummingbird
import Logging
import MittoWire
import NIOCore
import PolicyModel
import Synchronization

/// Serves the route table: format negotiation, 404 and 405, Basic auth, the IP allowlist, body limits and types,
/// injected faults, and rendering every answer and error in JSON or XML.
///
/// The API's rules (a `.json`/`.xml` suffix on any path, 405 with `Allow` for a known path, errors in the API's own
/// envelope) sit across routes, so the emulator routes through its own table rather than Hummingbird's trie.
public struct APIResponder: HTTPResponder {
    public typealias Context = EmulatorRequestContext

    /// The largest request body accepted.
    static let maxBodySize = 1 << 20

    let routes: [Route]
    let directory: AccountDirectory
    let faults: FaultInjector
    let journal: RequestJournal
    let failedLogins: FailedLogins
    /// `Authorization` headers already read, so a client's every request does not decode its header again.
    private let credentialCache = CredentialCache()

    /// Answers one request.
    public func respond(to request: Request, context: Context) async throws -> Response {
        let (path, format) = ResponseFormat.negotiate(
            path: request.uri.path, accept: request.headers[.accept]
        )
        let started = ContinuousClock.now
        let response: Response
        do {
            response = try render(try await route(request, path: path, context: context), format: format)
        } catch let error as APIError {
            response = render(error, format: format)
        } catch {
            context.logger.error("unexpected failure", metadata: ["error": "\(error)", "path": "\(path)"])
            response = render(APIError(.internalServerError, "Internal error"), format: format)
        }
        journal.record(method: request.method, path: request.uri.path, status: Int(response.status.code))
        // The query is left out: it can carry phone numbers; headers are never logged.
        context.logger.info(
            "\(request.method.rawValue) \(request.uri.path) \(response.status.code)",
            metadata: ["ms": "\(Self.milliseconds(ContinuousClock.now - started))"]
        )
        return response
    }

    private func route(_ request: Request, path: String, context: Context) async throws -> APIResponse {
        let segments = path.split(separator: "/")
        let candidates = routes.compactMap { route in route.match(segments).map { (route, $0) } }
        guard !candidates.isEmpty else { throw APIError(.notFound, "No resource at \(path)") }
        guard
            let (route, parameters) = candidates.filter({ $0.0.method == request.method })
                .max(by: { $0.0.specificity < $1.0.specificity })
        else {
            let allowed = Set(candidates.map(\.0.method.rawValue)).sorted().joined(separator: ", ")
            throw APIError(
                .methodNotAllowed, "\(request.method.rawValue) is not allowed on \(path); allowed: \(allowed)",
                headers: [.allow: allowed]
            )
        }
        var caller: AccountDirectory.Entry?
        if route.requiresAuth {
            caller = try await authenticate(request, context: context)
        }
        if faults.mayFire,
            let fault = await faults.take(
                method: request.method, path: path, when: .beforeHandling, accountSid: caller?.account.sid
            )
        {
            try await fault.fire()
        }
        let (body, isForm) = try await readBody(request)
        let apiRequest = APIRequest(
            caller: caller, parameters: parameters, headers: request.headers, query: try query(request), body: body,
            bodyIsForm: isForm
        )
        let response = try await route.handler(apiRequest)
        if faults.mayFire,
            let fault = await faults.take(
                method: request.method, path: path, when: .afterHandling, accountSid: caller?.account.sid
            )
        {
            try await fault.fire()
        }
        return response
    }

    /// The caller, checked in an order that tells an address nothing it may not know: the allowlist before the
    /// key (a refused address cannot tell a right key from a wrong one), and an address that failed too often is
    /// refused before anything else about its credentials is told.
    private func authenticate(_ request: Request, context: Context) async throws -> AccountDirectory.Entry {
        guard let address = context.remoteAddress?.ipAddress, directory.allowsAnyAccount(from: address) else {
            let shown = context.remoteAddress?.ipAddress ?? "an unknown address"
            throw APIError(.forbidden, "Requests from \(shown) are not allowed")
        }
        guard let (sid, apiKey) = credentialCache.credentials(request.headers[.authorization], read: Self.credentials)
        else { throw APIError.unauthorized }
        if let refusal = failedLogins.refusal(for: address) {
            throw APIError(
                .tooManyRequests,
                "Too many failed logins from \(address): \(refusal.count) in \(DurationText.format(refusal.interval)); "
                    + "retry in \(refusal.retryAfter)s",
                headers: [.retryAfter: String(refusal.retryAfter)]
            )
        }
        if let claimed = directory.entry(sid: sid), !claimed.allowlist.allows(address) {
            // Counted as a failure, so an address some account allows cannot probe for other accounts' sids.
            failedLogins.recordFailure(from: address)
            throw APIError(.forbidden, "Requests from \(address) are not allowed for this account")
        }
        guard let entry = directory.authenticate(sid: sid, apiKey: apiKey) else {
            failedLogins.recordFailure(from: address)
            throw APIError.unauthorized
        }
        return entry
    }

    /// The sid and key of a Basic `Authorization` header, or nil when there is none or it cannot be read.
    private static func credentials(_ header: String?) -> (sid: String, apiKey: String)? {
        guard let header, header.lowercased().hasPrefix("basic "),
            let decoded = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
            let credentials = String(data: decoded, encoding: .utf8),
            let colon = credentials.firstIndex(of: ":")
        else { return nil }
        return (String(credentials[..<colon]), String(credentials[credentials.index(after: colon)...]))
    }

    private func query(_ request: Request) throws -> WireValue {
        do {
            return try WireValue.parseForm(request.uri.query ?? "")
        } catch {
            throw APIError.malformedForm("Invalid query string", error)
        }
    }

    private func readBody(_ request: Request) async throws -> (WireValue?, Bool) {
        guard request.method == .post || request.method == .put || request.method == .patch else { return (nil, false) }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > Self.maxBodySize {
            throw APIError.tooLarge
        }
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: Self.maxBodySize)
        } catch is RequestReadTimeout {
            throw APIError(
                .requestTimeout, "The request body did not arrive in time", headers: [.connection: "close"]
            )
        } catch {
            throw APIError.tooLarge
        }
        let bytes = Array(buffer.readableBytesView)
        let mediaType = request.headers[.contentType].map(Self.mediaType)
        let isJSON: Bool
        switch mediaType {
        case "application/json": isJSON = true
        case "application/x-www-form-urlencoded": isJSON = false
        case nil: isJSON = bytes.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) } == UInt8(ascii: "{")
        case let other?:
            throw APIError(
                .unsupportedMediaType,
                "Unsupported body type \(other): send application/json or application/x-www-form-urlencoded"
            )
        }
        if bytes.allSatisfy({ [0x20, 0x09, 0x0A, 0x0D].contains($0) }) { return (nil, !isJSON) }
        if isJSON {
            do {
                return (try WireValue.parseJSON(bytes), false)
            } catch {
                throw APIError(.badRequest, "Malformed JSON body: \(error)")
            }
        }
        do {
            return (try WireValue.parseForm(String(decoding: bytes, as: UTF8.self)), true)
        } catch {
            throw APIError.malformedForm("Malformed form body", error)
        }
    }

    /// The media type of a `Content-Type` value, lowercased, without parameters or spaces around it.
    static func mediaType(_ contentType: String) -> String {
        if contentType == "application/json" { return contentType }
        let type = contentType.utf8.prefix { $0 != UInt8(ascii: ";") }
        let trimmed = type.drop { $0 == 0x20 || $0 == 0x09 }.reversed().drop { $0 == 0x20 || $0 == 0x09 }.reversed()
        return String(decoding: trimmed, as: UTF8.self).lowercased()
    }

    private func render(_ response: APIResponse, format: ResponseFormat) throws -> Response {
        switch response {
        case .payload(let payload):
            return try encode(payload, status: .ok, headers: [:], format: format)
        case .payloadWithStatus(let status, let payload):
            return try encode(payload, status: status, headers: [:], format: format)
        case .payloadWithHeaders(let headers, let payload):
            return try encode(payload, status: .ok, headers: headers, format: format)
        case .json(let json):
            return try encoded(json, status: .ok, headers: [:], format: format)
        case .jsonWithStatus(let status, let json):
            return try encoded(json, status: status, headers: [:], format: format)
        case .raw(let contentType, let body):
            return Response(
                status: .ok, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(string: body))
            )
        }
    }

    private func render(_ error: APIError, format: ResponseFormat) -> Response {
        (try? encode(error.envelope, status: error.status, headers: error.headers, format: format))
            ?? Response(status: error.status)
    }

    private func encode(
        _ payload: any Encodable, status: HTTPResponse.Status, headers: HTTPFields, format: ResponseFormat
    ) throws -> Response {
        try encoded(try WireCoding.makeEncoder().encode(payload), status: status, headers: headers, format: format)
    }

    /// A response of `json`, or of its XML form.
    private func encoded(
        _ json: Data, status: HTTPResponse.Status, headers: HTTPFields, format: ResponseFormat
    ) throws -> Response {
        var headers = headers
        headers[.contentType] = format.contentType
        let body: ByteBuffer
        switch format {
        case .json: body = ByteBuffer(bytes: json)
        case .xml: body = ByteBuffer(string: try WireValue.parseJSON(json).xmlDocument)
        }
        return Response(status: status, headers: headers, body: .init(byteBuffer: body))
    }
}

extension APIResponder {
    static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}

extension APIError {
    /// 400 for a query string or form body that cannot be read, naming the field (cut short when long).
    static func malformedForm(_ what: String, _ error: FormSyntaxError) -> APIError {
        APIError(
            .badRequest, "\(what): \(error)", details: [ErrorDetail(field: error.shownField, problem: error.reason)]
        )
    }

    /// 413 for a body over 1 MiB.
    static let tooLarge = APIError(.contentTooLarge, "Request body is larger than 1 MiB")
}

/// The credentials of the `Authorization` headers seen last, at most `capacity` of them.
final class CredentialCache: Sendable {
    static let capacity = 256
    private let read = Mutex<[String: (sid: String, apiKey: String)]>([:])

    /// The header's credentials, read by `read` the first time a header is seen.
    func credentials(
        _ header: String?, read reader: (String?) -> (sid: String, apiKey: String)?
    ) -> (sid: String, apiKey: String)? {
        guard let header else { return nil }
        if let known = read.withLock({ $0[header] }) { return known }
        guard let credentials = reader(header) else { return nil }
        read.withLock { cache in
            if cache.count >= Self.capacity { cache.removeAll() }
            cache[header] = credentials
        }
        return credentials
    }
}
