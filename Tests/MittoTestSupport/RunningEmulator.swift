public import AsyncHTTPClient
public import Foundation
import Logging
public import MittoClient
public import MittoEmulator
import ServiceLifecycle

/// An emulator started by a test on a free loopback port.
public struct RunningEmulator: Sendable {
    /// The bound port.
    public let port: Int
    /// `http://127.0.0.1:PORT`.
    public var endpoint: URL { URL(string: "http://127.0.0.1:\(port)")! }
    /// The in-process handle for injecting faults.
    public let faults: FaultInjector
    /// The requests answered so far.
    public let journal: RequestJournal
    /// The store, for seeding large states without thousands of requests.
    public let store: any PolicyStore
    /// Every operation the server has, as `METHOD /path/{parameter}`.
    public let operations: [String]
}

/// Starts an emulator in this process on a free port, runs `body`, and stops the emulator.
public func withRunningEmulator<Result: Sendable>(
    accounts: [Account] = TestAccounts.all,
    storage: SQLitePolicyStore.Location = .inMemory,
    environment: EmulatorEnvironment = .live,
    configure: @Sendable (inout EmulatorConfiguration) -> Void = { _ in },
    _ body: @Sendable (RunningEmulator) async throws -> Result
) async throws -> Result {
    let (ports, continuation) = AsyncStream<Int>.makeStream()
    var logger = Logger(label: "test-emulator")
    logger.logLevel = .critical
    var configuration = EmulatorConfiguration(
        accounts: accounts, storage: storage, environment: environment, logger: logger
    )
    configure(&configuration)
    let emulator = try buildEmulator(
        configuration: configuration,
        onServerRunning: { port in continuation.yield(port) }
    )
    let services = ServiceGroup(
        configuration: .init(services: [emulator.application], gracefulShutdownSignals: [], logger: logger)
    )
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await services.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        do {
            let result = try await body(
                RunningEmulator(
                    port: port, faults: emulator.faults, journal: emulator.journal, store: emulator.store,
                    operations: emulator.operations
                ))
            await services.triggerGracefulShutdown()
            return result
        } catch {
            await services.triggerGracefulShutdown()
            throw error
        }
    }
}

/// Runs `body` with an HTTP client of its own, shut down afterwards.
public func withHTTPClient<Result: Sendable>(_ body: (HTTPClient) async throws -> Result) async throws -> Result {
    let client = HTTPClient(eventLoopGroupProvider: .singleton)
    do {
        let result = try await body(client)
        try await client.shutdown()
        return result
    } catch {
        try? await client.shutdown()
        throw error
    }
}

/// Runs `body` with a client for `account` on a running emulator, on an HTTP client shut down afterwards.
public func withClient<Result: Sendable>(
    _ emulator: RunningEmulator,
    account: Account = TestAccounts.acme,
    subAccountSid: String? = nil,
    retryPolicy: RetryPolicy = RetryPolicy(baseDelay: .milliseconds(5), maxDelay: .milliseconds(50)),
    _ body: (HTTPMittoAPI) async throws -> Result
) async throws -> Result {
    try await withHTTPMittoAPI(
        endpoint: emulator.endpoint, credentials: TestAccounts.credentials(account), subAccountSid: subAccountSid,
        retryPolicy: retryPolicy, body
    )
}
