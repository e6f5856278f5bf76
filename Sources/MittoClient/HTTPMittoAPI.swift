public import AsyncHTTPClient
public import Foundation
public import Logging
public import MittoWire
import NIOCore
import NIOHTTP1
public import PolicyModel

/// `MittoAPI` over HTTP with AsyncHTTPClient: paging, retries and the ambiguous-create check.
///
/// The `HTTPClient` belongs to the caller, who shuts it down; `withHTTPMittoAPI` does both for a scope.
public struct HTTPMittoAPI: MittoAPI {
    /// The API's root, such as `https://cpaas.mittoapi.com` (paths start with `/2fa`).
    public let endpoint: URL
    /// Who calls.
    public let credentials: MittoCredentials
    /// The sub-account acted on, or nil for the credentials' own account.
    public let subAccountSid: String?
    /// Retry and timeout rules.
    public let retryPolicy: RetryPolicy
    let httpClient: HTTPClient
    let logger: Logger
    let sleep: @Sendable (Duration) async throws -> Void
    let random: @Sendable (Double) -> Double
    let pacer: RequestPacer?

    /// Creates a client.
    public init(
        endpoint: URL,
        credentials: MittoCredentials,
        subAccountSid: String? = nil,
        httpClient: HTTPClient,
        retryPolicy: RetryPolicy = .standard,
        logger: Logger = Logger(label: "mitto-client"),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        random: @escaping @Sendable (Double) -> Double = { Double.random(in: 0...$0) },
        pacer: RequestPacer? = nil
    ) {
        self.endpoint = endpoint
        self.credentials = credentials
        self.subAccountSid = subAccountSid
        self.httpClient = httpClient
        self.retryPolicy = retryPolicy
        self.logger = logger
        self.sleep = sleep
        self.random = random
        self.pacer = pacer
    }

    // MARK: Limits

    public func listLimits() async throws(MittoAPIError) -> [LimitResource] {
        try await listAll(LimitResource.self, path: "/2fa/limits/search")
    }

    public func limit(sid: String) async throws(MittoAPIError) -> LimitResource {
        try await send(.GET, "/2fa/limits/\(WireValue.percentEncoded(sid))", as: LimitEnvelope.self).limit
    }

    public func createLimit(_ limit: Limit) async throws(MittoAPIError) -> LimitResource {
        try await create(
            body: LimitBody(limit, accountSid: subAccountSid), path: "/2fa/limits", as: LimitEnvelope.self,
            name: limit.name, unwrap: \.limit,
            lookUp: { () throws(MittoAPIError) in
                try await listPage(LimitResource.self, path: "/2fa/limits/search", page: 0, name: limit.name).items
                    .first
            }
        )
    }

    public func replaceLimit(sid: String, with limit: Limit) async throws(MittoAPIError) -> LimitResource {
        try await send(
            .PUT, "/2fa/limits/\(WireValue.percentEncoded(sid))", body: LimitBody(limit, accountSid: subAccountSid),
            as: LimitEnvelope.self
        ).limit
    }

    public func deleteLimit(sid: String) async throws(MittoAPIError) {
        try await delete(path: "/2fa/limits/\(WireValue.percentEncoded(sid))")
    }

    // MARK: Workflows

    public func listWorkflows() async throws(MittoAPIError) -> [WorkflowResource] {
        try await listAll(WorkflowResource.self, path: "/2fa/workflows/search")
    }

    public func workflow(sid: String) async throws(MittoAPIError) -> WorkflowResource {
        try await send(.GET, "/2fa/workflows/search/\(WireValue.percentEncoded(sid))", as: WorkflowEnvelope.self)
            .workflow
    }

    public func createWorkflow(_ workflow: Workflow) async throws(MittoAPIError) -> WorkflowResource {
        try await create(
            body: WorkflowBody(workflow, accountSid: subAccountSid), path: "/2fa/workflows",
            as: WorkflowEnvelope.self, name: workflow.name, unwrap: \.workflow,
            lookUp: { () throws(MittoAPIError) in
                try await listPage(WorkflowResource.self, path: "/2fa/workflows/search", page: 0, name: workflow.name)
                    .items.first
            }
        )
    }

    public func replaceWorkflow(sid: String, with workflow: Workflow) async throws(MittoAPIError) -> WorkflowResource {
        try await send(
            .PUT, "/2fa/workflows/\(WireValue.percentEncoded(sid))",
            body: WorkflowBody(workflow, accountSid: subAccountSid),
            as: WorkflowEnvelope.self
        ).workflow
    }

    public func deleteWorkflow(sid: String) async throws(MittoAPIError) {
        try await delete(path: "/2fa/workflows/\(WireValue.percentEncoded(sid))")
    }

    // MARK: Shared

    private func listAll<Item: ListedResource>(_ type: Item.Type, path: String) async throws(MittoAPIError) -> [Item] {
        var items: [Item] = []
        var page = 0
        while true {
            let result = try await listPage(type, path: path, page: page, name: nil)
            items += result.items
            page += 1
            if page >= result.numPages || result.items.isEmpty { return items }
        }
    }

    private func listPage<Item: ListedResource>(
        _ type: Item.Type, path: String, page: Int, name: String?
    ) async throws(MittoAPIError) -> SearchPage<Item> {
        var query = ["page=\(page)", "pageSize=\(Paging.maxPageSize)"]
        if let name { query.append("name=\(WireValue.percentEncoded(name))") }
        if let subAccountSid { query.append("accountSid=\(WireValue.percentEncoded(subAccountSid))") }
        return try await send(.GET, path + "?" + query.joined(separator: "&"), as: SearchPage<Item>.self)
    }

    /// A create is retried freely only when the server surely did nothing (429, 503, no connection made); after a
    /// failure that may have created the object, the name is looked up first and a found object is the result.
    private func create<Envelope: Decodable & Sendable, Resource: Sendable>(
        body: some Encodable & Sendable, path: String, as type: Envelope.Type, name: String,
        unwrap: @Sendable (Envelope) -> Resource,
        lookUp: () async throws(MittoAPIError) -> Resource?
    ) async throws(MittoAPIError) -> Resource {
        do {
            return unwrap(try await send(.POST, path, body: body, as: type, retryAmbiguous: false))
        } catch let error where Self.isAmbiguous(error) {
            logger.info(
                "create answer lost; looking the name up before retrying",
                metadata: ["path": "\(path)", "name": "\(name)"]
            )
            if let existing = try await lookUp() { return existing }
            return unwrap(try await send(.POST, path, body: body, as: type))
        }
    }

    private func delete(path: String) async throws(MittoAPIError) {
        do {
            _ = try await send(.DELETE, path, as: StatusEnvelope.self, retryAmbiguous: false)
        } catch let error where Self.isAmbiguous(error) {
            // A delete whose answer was lost may have happened; a 404 on the retry means it did.
            do {
                _ = try await send(.DELETE, path, as: StatusEnvelope.self)
            } catch let retryError where retryError.status == 404 {
                return
            }
        }
    }

    /// Whether the server may have carried out the request although the call failed.
    static func isAmbiguous(_ error: MittoAPIError) -> Bool {
        switch error.reason {
        case .transport: true
        case .status(let code, _, _): code >= 500 && code != 503
        case .retriesExhausted(let last, _):
            isAmbiguous(MittoAPIError(method: error.method, path: error.path, reason: last))
        case .invalidResponse: false
        }
    }

    private func send<Response: Decodable>(
        _ method: HTTPMethod, _ path: String, as type: Response.Type, retryAmbiguous: Bool = true
    ) async throws(MittoAPIError) -> Response {
        try await send(method, path, bodyData: nil, as: type, retryAmbiguous: retryAmbiguous)
    }

    private func send<Response: Decodable>(
        _ method: HTTPMethod, _ path: String, body: some Encodable, as type: Response.Type,
        retryAmbiguous: Bool = true
    ) async throws(MittoAPIError) -> Response {
        let data: Data
        do {
            data = try WireCoding.makeEncoder().encode(body)
        } catch {
            throw MittoAPIError(method: method.rawValue, path: path, reason: .transport("cannot encode body: \(error)"))
        }
        return try await send(method, path, bodyData: data, as: type, retryAmbiguous: retryAmbiguous)
    }

    private func send<Response: Decodable>(
        _ method: HTTPMethod, _ path: String, bodyData: Data?, as type: Response.Type, retryAmbiguous: Bool
    ) async throws(MittoAPIError) -> Response {
        let clock = ContinuousClock()
        let started = clock.now
        var attempt = 1
        while true {
            let outcome = await attemptOnce(method, path, bodyData: bodyData)
            switch outcome {
            case .success(let status, let bytes):
                do {
                    return try WireCoding.makeDecoder().decode(type, from: bytes)
                } catch {
                    throw MittoAPIError(
                        method: method.rawValue, path: path,
                        reason: .invalidResponse(status: status, reason: String(describing: error))
                    )
                }
            case .failure(let reason, let retryAfter):
                let error = MittoAPIError(method: method.rawValue, path: path, reason: reason)
                let retryable = Self.isRetryable(reason) && (retryAmbiguous || !Self.isAmbiguous(error))
                guard retryable else { throw error }
                let delay = retryPolicy.delay(beforeRetry: attempt, retryAfter: retryAfter, random: random)
                let spent = clock.now - started
                guard attempt < retryPolicy.maxAttempts, spent + delay <= retryPolicy.budget else {
                    throw MittoAPIError(
                        method: method.rawValue, path: path, reason: .retriesExhausted(last: reason, attempts: attempt)
                    )
                }
                logger.debug(
                    "retrying",
                    metadata: [
                        "method": "\(method.rawValue)", "path": "\(path)", "attempt": "\(attempt)",
                        "delay": "\(delay)",
                    ]
                )
                do {
                    try await sleep(delay)
                } catch {
                    throw MittoAPIError(method: method.rawValue, path: path, reason: .transport("cancelled"))
                }
                attempt += 1
            }
        }
    }

    private static func isRetryable(_ reason: MittoAPIError.Reason) -> Bool {
        switch reason {
        case .transport: true
        case .status(let code, _, _): code == 429 || code >= 500
        case .invalidResponse, .retriesExhausted: false
        }
    }

    private enum Outcome {
        case success(status: Int, body: Data)
        case failure(MittoAPIError.Reason, retryAfter: Duration?)
    }

    private func attemptOnce(_ method: HTTPMethod, _ path: String, bodyData: Data?) async -> Outcome {
        if let pacer {
            do { try await pacer.wait() } catch { return .failure(.transport("cancelled"), retryAfter: nil) }
        }
        var request = HTTPClientRequest(url: endpoint.absoluteString.trimmingSuffix("/") + path)
        request.method = method
        request.headers.add(name: "Authorization", value: credentials.authorizationHeader)
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "mitto-policy")
        if let bodyData {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: bodyData))
        }
        let status: Int
        let body: ByteBuffer
        let retryAfter: Duration?
        do {
            let timeout = TimeAmount.nanoseconds(
                retryPolicy.requestTimeout.components.seconds * 1_000_000_000
                    + retryPolicy.requestTimeout.components.attoseconds / 1_000_000_000
            )
            let response = try await httpClient.execute(request, timeout: timeout)
            status = Int(response.status.code)
            retryAfter = response.headers.first(name: "Retry-After").flatMap(Int.init).map { .seconds($0) }
            body = try await response.body.collect(upTo: 64 << 20)
        } catch {
            logger.debug(
                "no answer", metadata: ["method": "\(method.rawValue)", "path": "\(path)", "error": "\(error)"])
            return .failure(.transport(String(describing: error)), retryAfter: nil)
        }
        logger.debug("answer", metadata: ["method": "\(method.rawValue)", "path": "\(path)", "status": "\(status)"])
        let data = Data(body.readableBytesView)
        if (200..<300).contains(status) { return .success(status: status, body: data) }
        let envelope = try? WireCoding.makeDecoder().decode(StatusEnvelope.self, from: data)
        let message = envelope?.message ?? String(decoding: data.prefix(200), as: UTF8.self)
        return .failure(
            .status(code: status, message: message, details: envelope?.details ?? []), retryAfter: retryAfter
        )
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}

/// Runs `body` with an `HTTPMittoAPI` on an HTTP client of its own, shut down afterwards.
public func withHTTPMittoAPI<Result: Sendable>(
    endpoint: URL,
    credentials: MittoCredentials,
    subAccountSid: String? = nil,
    retryPolicy: RetryPolicy = .standard,
    logger: Logger = Logger(label: "mitto-client"),
    pacer: RequestPacer? = nil,
    _ body: (HTTPMittoAPI) async throws -> Result
) async throws -> Result {
    var configuration = HTTPClient.Configuration()
    // The client retries with its own backoff; the pool's retrying of refused connections would hold each attempt
    // until the connect timeout, so a wrong endpoint would take minutes to report.
    configuration.connectionPool.retryConnectionEstablishment = false
    configuration.timeout.connect = .seconds(10)
    let httpClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    let api = HTTPMittoAPI(
        endpoint: endpoint, credentials: credentials, subAccountSid: subAccountSid, httpClient: httpClient,
        retryPolicy: retryPolicy, logger: logger, pacer: pacer
    )
    do {
        let result = try await body(api)
        try await httpClient.shutdown()
        return result
    } catch {
        try? await httpClient.shutdown()
        throw error
    }
}
