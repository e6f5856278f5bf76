public import AsyncHTTPClient
public import Foundation
public import Logging

/// Runs `body` with an `HTTPMittoAPI` on an HTTP client of its own, shut down afterwards.
///
/// `parallelism` is how many calls the caller makes at once (the applier's `parallelism`); the connection pool keeps
/// at least that many connections to the endpoint, so no call waits for a free one.
public func withHTTPMittoAPI<Result: Sendable>(
    endpoint: URL,
    credentials: MittoCredentials,
    subAccountSid: String? = nil,
    retryPolicy: RetryPolicy = .standard,
    logger: Logger = Logger(label: "mitto-client"),
    pacer: RequestPacer? = nil,
    parallelism: Int = 8,
    _ body: (HTTPMittoAPI) async throws -> Result
) async throws -> Result {
    let httpClient = HTTPClient(
        eventLoopGroupProvider: .singleton, configuration: HTTPMittoAPI.clientConfiguration(parallelism: parallelism)
    )
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

extension HTTPMittoAPI {
    /// The HTTP client settings `withHTTPMittoAPI` uses, with a pool for `parallelism` calls at once.
    public static func clientConfiguration(parallelism: Int) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        // The client retries with its own backoff; the pool's retrying of refused connections would hold each
        // attempt until the connect timeout, so a wrong endpoint would take minutes to report.
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = max(
            parallelism, pageReadsAtOnce, 1
        )
        configuration.timeout.connect = .seconds(10)
        return configuration
    }
}
