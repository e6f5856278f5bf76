public import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// A request as the stub server received it.
public struct StubRequest: Sendable {
    /// The method, such as `GET`.
    public var method: String
    /// The path, without the query.
    public var path: String
    /// The query's parameters; the values are not percent-decoded.
    public var query: [String: String]
    /// The body as text.
    public var body: String
}

/// What the stub server answers.
public struct StubResponse: Sendable {
    /// The status code.
    public var status: Int
    /// The body, sent as JSON.
    public var body: String

    /// Creates an answer.
    public init(status: Int = 200, body: String) {
        self.status = status
        self.body = body
    }
}

/// Runs `body` with an HTTP server on a free loopback port that answers every request with `handler`, for API
/// behaviour the emulator does not have: a name filter that is not exact, answers that wait for each other.
public func withStubServer<Result: Sendable>(
    _ handler: @escaping @Sendable (StubRequest) async -> StubResponse,
    _ body: @Sendable (URL) async throws -> Result
) async throws -> Result {
    let (ports, continuation) = AsyncStream<Int>.makeStream()
    var logger = Logger(label: "test-stub")
    logger.logLevel = .critical
    let application = Application(
        responder: StubResponder(handler: handler),
        configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) },
        logger: logger
    )
    let services = ServiceGroup(
        configuration: .init(services: [application], gracefulShutdownSignals: [], logger: logger)
    )
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await services.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        do {
            let result = try await body(URL(string: "http://127.0.0.1:\(port)")!)
            await services.triggerGracefulShutdown()
            return result
        } catch {
            await services.triggerGracefulShutdown()
            throw error
        }
    }
}

private struct StubResponder: HTTPResponder {
    typealias Context = BasicRequestContext
    let handler: @Sendable (StubRequest) async -> StubResponse

    func respond(to request: Request, context: Context) async throws -> Response {
        var request = request
        let bytes = try await request.collectBody(upTo: 1 << 20)
        var query: [String: String] = [:]
        for pair in (request.uri.query ?? "").split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            query[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        let answer = await handler(
            StubRequest(
                method: request.method.rawValue, path: request.uri.path, query: query, body: String(buffer: bytes)
            )
        )
        return Response(
            status: .init(code: answer.status), headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: answer.body))
        )
    }
}
