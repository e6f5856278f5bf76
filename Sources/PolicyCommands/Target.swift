import Foundation
import Logging
import MittoClient
import MittoEmulator
import PolicyManifest
import PolicyModel
import PolicyPlanner
import ServiceLifecycle

/// The account a command talks to: the embedded emulator for `local`, or a real endpoint from the project file.
enum Target {
    /// Where the embedded emulator keeps its state, under the folder the command runs in.
    static let stateDirectory = ".mitto-policy"
    /// The embedded emulator's one account.
    static let localAccountSid = "AC" + String(repeating: "0", count: 31) + "1"

    /// Why a target could not be reached or configured; said to the user as is.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs `body` with an API client for `environment`, starting and stopping the embedded emulator for `local`;
    /// keys and the state folder come from `console`'s environment and folder.
    static func with<Result: Sendable>(
        _ environment: EnvironmentSettings, console: Console, pacer: RequestPacer? = nil, parallelism: Int = 8,
        _ body: @Sendable (any MittoAPI) async throws -> Result
    ) async throws -> Result {
        if environment.name == ProjectFile.localEnvironment && environment.endpoint == nil {
            return try await withEmbeddedEmulator(
                in: console.path(stateDirectory), pacer: pacer, parallelism: parallelism, body)
        }
        let (endpoint, credentials, subAccount) = try resolve(environment, console: console)
        return try await withHTTPMittoAPI(
            endpoint: endpoint, credentials: credentials, subAccountSid: subAccount, logger: quietLogger(),
            pacer: pacer,
            parallelism: parallelism
        ) { api in try await body(api) }
    }

    /// The account `environment` names now: the embedded emulator's state folder, or the endpoint, account and
    /// sub-account its settings resolve to. Recorded in plans, so a saved plan is applied to that account only.
    static func account(for environment: EnvironmentSettings, console: Console) throws -> TargetAccount {
        if environment.name == ProjectFile.localEnvironment && environment.endpoint == nil {
            let folder = URL(fileURLWithPath: console.path(stateDirectory)).standardizedFileURL.path
            return TargetAccount(endpoint: "embedded:\(folder)", accountSid: localAccountSid)
        }
        let (endpoint, credentials, subAccount) = try resolve(environment, console: console)
        // The endpoint goes into plan files and pull-request comments: never with credentials, a query or a
        // fragment written into it.
        guard var shown = URLComponents(url: endpoint, resolvingAgainstBaseURL: false) else {
            throw Failure(description: "environment '\(environment.name)': the endpoint is not a URL")
        }
        shown.user = nil
        shown.password = nil
        shown.query = nil
        shown.fragment = nil
        // Account sids read from the environment go into plans too: only a sid's shape is accepted, and a value
        // that is not one is never echoed.
        for (what, value) in [("accountSid", credentials.accountSid), ("subAccount", subAccount)] {
            guard let value, !Self.isAccountSid(value) else { continue }
            throw Failure(
                description: "environment '\(environment.name)': \(what) is not AC and 32 lowercase hex digits")
        }
        return TargetAccount(
            endpoint: shown.string ?? "\(endpoint.scheme ?? "?")://\(endpoint.host ?? "?")",
            accountSid: credentials.accountSid, subAccount: subAccount)
    }

    /// `AC` and 32 lowercase hex digits.
    static func isAccountSid(_ text: String) -> Bool {
        text.count == 34 && text.hasPrefix("AC") && text.dropFirst(2).allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }

    static func quietLogger() -> Logger {
        var logger = Logger(label: "mitto-policy")
        logger.logLevel = .critical
        return logger
    }

    /// The endpoint, credentials and sub-account of a remote environment, from the console's environment
    /// variables or a key file.
    static func resolve(
        _ environment: EnvironmentSettings, console: Console
    ) throws -> (URL, MittoCredentials, String?) {
        let name = environment.name
        guard let endpointText = environment.endpoint, let endpoint = URL(string: endpointText) else {
            throw Failure(description: "environment '\(name)' has no endpoint")
        }
        let variables = console.environment
        let accountSid = try expand(environment.accountSid, what: "accountSid", environment: name, from: variables)
        let subAccount = try environment.subAccount.map {
            try expand($0, what: "subAccount", environment: name, from: variables)
        }
        let apiKey: String
        switch environment.apiKey {
        case .environmentVariable(let variable)?:
            guard let value = variables[variable], !value.isEmpty else {
                throw Failure(description: "environment '\(name)': the API key variable \(variable) is not set")
            }
            apiKey = value
        case .file(let path)?:
            apiKey = try readKeyFile(path, environment: name, base: console.directory)
        case nil:
            throw Failure(description: "environment '\(name)' has no apiKey or apiKeyFile")
        }
        return (endpoint, MittoCredentials(accountSid: accountSid, apiKey: apiKey), subAccount)
    }

    private static func expand(
        _ value: String?, what: String, environment: String, from variables: [String: String]
    ) throws -> String {
        guard let value else { throw Failure(description: "environment '\(environment)' has no \(what)") }
        guard value.hasPrefix("${env:"), value.hasSuffix("}") else { return value }
        let variable = String(value.dropFirst(6).dropLast())
        guard let resolved = variables[variable], !resolved.isEmpty else {
            throw Failure(description: "environment '\(environment)': \(what) comes from \(variable), which is not set")
        }
        return resolved
    }

    /// The key in `path` (from `base` when relative), refused when others than its owner could read it.
    static func readKeyFile(_ path: String, environment: String, base: BaseDirectory) throws -> String {
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: base.resolve(path))
        } catch {
            throw Failure(description: "environment '\(environment)': cannot read apiKeyFile \(path)")
        }
        let mode = (attributes[.posixPermissions] as? Int) ?? 0
        guard mode & 0o077 == 0 else {
            throw Failure(
                description: "environment '\(environment)': apiKeyFile \(path) is readable by others "
                    + "(mode \(String(mode, radix: 8))); run chmod 600 \(path)"
            )
        }
        guard let data = FileManager.default.contents(atPath: base.resolve(path)),
            let key = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines), !key.isEmpty
        else { throw Failure(description: "environment '\(environment)': apiKeyFile \(path) is empty") }
        return key
    }

    /// Starts the emulator in this process on a free loopback port, with its state in `folder` (`.mitto-policy/`).
    private static func withEmbeddedEmulator<Result: Sendable>(
        in folder: String, pacer: RequestPacer?, parallelism: Int,
        _ body: @Sendable (any MittoAPI) async throws -> Result
    ) async throws -> Result {
        try prepareStateDirectory(folder)
        let apiKey = EmulatorEnvironment.live.randomHex()
        let logger = quietLogger()
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let emulator = try buildEmulator(
            configuration: EmulatorConfiguration(
                accounts: [Account(sid: localAccountSid, apiKey: apiKey)],
                storage: .file("\(folder)/emulator.sqlite"), logger: logger
            ),
            onServerRunning: { continuation.yield($0) }
        )
        let services = ServiceGroup(
            configuration: .init(services: [emulator.application], gracefulShutdownSignals: [], logger: logger)
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else {
                throw Failure(description: "the embedded emulator did not start")
            }
            defer { continuation.finish() }
            do {
                let result = try await withHTTPMittoAPI(
                    endpoint: URL(string: "http://127.0.0.1:\(port)")!,
                    credentials: MittoCredentials(accountSid: localAccountSid, apiKey: apiKey), logger: logger,
                    pacer: pacer, parallelism: parallelism
                ) { api in try await body(api) }
                await services.triggerGracefulShutdown()
                return result
            } catch {
                await services.triggerGracefulShutdown()
                throw error
            }
        }
    }

    private static func prepareStateDirectory(_ folder: String) throws {
        let manager = FileManager.default
        do {
            try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let ignore = "\(folder)/.gitignore"
            if !manager.fileExists(atPath: ignore) {
                try "# The embedded emulator's state; not for git.\n*\n".write(
                    toFile: ignore, atomically: true, encoding: .utf8)
            }
        } catch {
            throw Failure(description: "cannot create \(stateDirectory)/ for the embedded emulator's state: \(error)")
        }
    }
}
