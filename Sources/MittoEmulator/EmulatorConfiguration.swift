public import Logging

/// Everything an emulator needs to start.
public struct EmulatorConfiguration: Sendable {
    /// The address to listen on; loopback by default.
    public var host: String
    /// The port; 0 picks a free one.
    public var port: Int
    /// The accounts served.
    public var accounts: [Account]
    /// Where limits and workflows are kept.
    public var storage: SQLitePolicyStore.Location
    /// Time and randomness.
    public var environment: EmulatorEnvironment
    /// Where request and lifecycle logs go; never given keys or codes.
    public var logger: Logger

    /// Creates a configuration.
    public init(
        host: String = "127.0.0.1",
        port: Int = 0,
        accounts: [Account],
        storage: SQLitePolicyStore.Location = .inMemory,
        environment: EmulatorEnvironment = .live,
        logger: Logger = Logger(label: "mitto-emulator")
    ) {
        self.host = host
        self.port = port
        self.accounts = accounts
        self.storage = storage
        self.environment = environment
        self.logger = logger
    }
}
