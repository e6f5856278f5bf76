import ArgumentParser
import Foundation
import Logging
import MittoEmulator

/// `mitto-emulator serve`: starts the server and runs until SIGINT or SIGTERM.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start the emulator.",
        discussion: """
            Accounts come from --accounts FILE, or one account from --account-sid and --api-key (or the \
            MITTO_ACCOUNT_SID and MITTO_API_KEY environment variables). State is gone when the server stops \
            unless --database names a SQLite file. The listening address is printed once the server is up.
            """
    )

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on; 0 picks a free port and prints it.")
    var port = 8080

    @Option(help: ArgumentHelp("A SQLite file that keeps limits and workflows across restarts.", valueName: "path"))
    var database: String?

    @Flag(
        help: """
            Keep nothing across restarts (the default when --database is not given): state goes to SQLite's private \
            temporary file, removed as it is opened, so a long run's history does not grow the process.
            """)
    var inMemory = false

    @Option(help: ArgumentHelp("A YAML file listing the accounts served.", valueName: "file"))
    var accounts: String?

    @Option(help: "The sid of a single account to serve (or MITTO_ACCOUNT_SID).")
    var accountSid: String?

    @Option(
        help: "The API key of that account (or MITTO_API_KEY); prefer the environment variable, which ps cannot show.")
    var apiKey: String?

    @Flag(help: "Do not serve /_emulator/outbox, where the messages sent (codes included) can be read.")
    var noOutbox = false

    @Option(
        help: ArgumentHelp(
            "Append every message sent, its code masked, to this JSON-lines file.", valueName: "file"))
    var deliveryLog: String?

    @Option(
        help: ArgumentHelp(
            "Make this share of deliveries fail (0 to 1), so workflow fallback can be seen.", valueName: "share"))
    var deliveryFailureRate = 0.0

    @Option(
        help: ArgumentHelp(
            "Failed logins one client address may make in --login-failure-window before it gets 429s.",
            valueName: "count"))
    var loginFailures = FailedLoginLimit.standard.maxFailures

    @Option(help: ArgumentHelp("The sliding window of --login-failures, in seconds.", valueName: "seconds"))
    var loginFailureWindow = FailedLoginLimit.standard.window

    @Option(
        help: ArgumentHelp(
            "Close a connection when nothing arrives for this many seconds (between requests or inside one).",
            valueName: "seconds"))
    var idleTimeout = 75.0

    @Option(
        help: ArgumentHelp(
            "Answer 408 and close the connection when a request takes longer than this to arrive, body included.",
            valueName: "seconds"))
    var readTimeout = 30.0

    @Option(help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    func validate() throws {
        if database != nil && inMemory {
            throw ValidationError("--database and --in-memory exclude each other")
        }
        if accounts != nil && (accountSid != nil || apiKey != nil) {
            throw ValidationError("--accounts excludes --account-sid and --api-key")
        }
        guard (0...1).contains(deliveryFailureRate) else {
            throw ValidationError("--delivery-failure-rate must be between 0 and 1")
        }
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        if let problem = FailedLoginLimit(maxFailures: loginFailures, window: loginFailureWindow).problem {
            throw ValidationError(problem)
        }
        guard idleTimeout > 0, readTimeout > 0 else {
            throw ValidationError("--idle-timeout and --read-timeout must be more than 0 seconds")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            let levels = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("--log-level must be one of \(levels)")
        }
    }

    func run() async throws {
        var logger = Logger(label: "mitto-emulator")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        var configuration = EmulatorConfiguration(
            host: host, port: port, accounts: try loadAccounts(), storage: database.map { .file($0) } ?? .inMemory,
            logger: logger
        )
        configuration.outboxEnabled = !noOutbox
        configuration.deliveryLogPath = deliveryLog
        configuration.deliveryFailureRate = deliveryFailureRate
        configuration.failedLoginLimit = FailedLoginLimit(maxFailures: loginFailures, window: loginFailureWindow)
        configuration.idleTimeout = .milliseconds(Int64(idleTimeout * 1000))
        configuration.readTimeout = .milliseconds(Int64(readTimeout * 1000))
        let storage = database.map { "database \($0)" } ?? "in memory"
        let host = self.host
        let emulator = try buildEmulator(configuration: configuration) { port in
            let shownHost = host.contains(":") ? "[\(host)]" : host
            let line = "mitto-emulator listening on http://\(shownHost):\(port) (\(storage))\n"
            FileHandle.standardOutput.write(Data(line.utf8))
        }
        do {
            try await emulator.application.runService()
        } catch {
            guard let explained = Self.explainListenFailure(error, host: host, port: port) else { throw error }
            FileHandle.standardError.write(Data("mitto-emulator: error: \(explained)\n".utf8))
            throw ExitCode.failure
        }
    }

    /// A bind failure said as what happened and what to do, instead of NIO's `bind(descriptor:ptr:bytes:)` text.
    static func explainListenFailure(_ error: any Error, host: String, port: Int) -> String? {
        let text = String(describing: error)
        let address = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        if text.contains("Address already in use") || text.contains("errno: 98") {
            return "cannot listen on \(address): the address is already in use, perhaps by another mitto-emulator. "
                + "Stop that process, or pass another --port (--port 0 picks a free one)."
        }
        if text.contains("Permission denied") || text.contains("errno: 13") {
            return "cannot listen on \(address): permission denied (ports below 1024 need privileges); pass "
                + "--port 8080 or --port 0"
        }
        if text.contains("Cannot assign requested address") || text.contains("errno: 99") {
            return "cannot listen on \(address): this machine has no such address; pass --host 127.0.0.1"
        }
        return nil
    }

    private func loadAccounts() throws -> [Account] {
        if let accounts { return try AccountsFile.load(path: accounts) }
        let environment = ProcessInfo.processInfo.environment
        guard let sid = accountSid ?? environment["MITTO_ACCOUNT_SID"],
            let key = apiKey ?? environment["MITTO_API_KEY"]
        else { throw EmulatorConfigurationError.noAccounts }
        return [Account(sid: sid, apiKey: key)]
    }
}
