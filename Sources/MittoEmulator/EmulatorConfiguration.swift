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
    /// Whether `/_emulator/outbox` shows the messages sent.
    public var outboxEnabled = true
    /// A JSON-lines file every delivered message is appended to, its code masked.
    public var deliveryLogPath: String?
    /// The share of deliveries made to fail (0 to 1), so workflow fallback can be seen.
    public var deliveryFailureRate = 0.0
    /// Waits between the up to five attempts of a callback.
    public var callbackRetryDelays: [Duration] = [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4)]
    /// How often workflow steps and expiries are checked on the wall clock.
    public var tickInterval: Duration = .milliseconds(250)
    /// Failed logins one client address may make before its attempts get 429 with `Retry-After`.
    public var failedLoginLimit = FailedLoginLimit.standard
    /// How long a connection may stay open with nothing arriving, between requests or inside one (a head sent
    /// slowly included); longer than the 60 s clients keep idle connections, so a client never reuses one the
    /// emulator is closing.
    public var idleTimeout: Duration = .seconds(75)
    /// How long a request may take from its head to its last body byte; a slower one is answered 408 and its
    /// connection closed.
    public var readTimeout: Duration = .seconds(30)

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
