import Foundation
public import Hummingbird
import MittoWire
import NIOCore
import PolicyModel

/// A built emulator: the Hummingbird application and the handles tests and the command use.
public struct Emulator: Sendable {
    /// The server, ready to `run()` or `runService()`.
    public let application: Application<APIResponder>
    /// Failures to inject into later requests.
    public let faults: FaultInjector
    /// The store behind the API.
    public let store: any PolicyStore
    /// The requests answered so far.
    public let journal: RequestJournal
    /// Every operation served, as `METHOD /path/{parameter}`, sorted; the OpenAPI document lists the same.
    public let operations: [String]
}

/// Builds the emulator for `configuration`; `onServerRunning` is told the bound port once it listens.
public func buildEmulator(
    configuration: EmulatorConfiguration,
    onServerRunning: @escaping @Sendable (_ port: Int) async -> Void = { _ in }
) throws(EmulatorConfigurationError) -> Emulator {
    guard !configuration.accounts.isEmpty else { throw .noAccounts }
    if let problem = configuration.failedLoginLimit.problem { throw .invalidSetting(problem) }
    for (name, timeout) in [("idle", configuration.idleTimeout), ("read", configuration.readTimeout)]
    where timeout <= .zero {
        throw .invalidSetting("the \(name) timeout must be longer than 0 seconds")
    }
    let directory = try AccountDirectory(accounts: configuration.accounts)
    let store = try SQLitePolicyStore(configuration.storage)
    let faults = FaultInjector()
    let journal = RequestJournal()
    let outbox = try Outbox(logPath: configuration.deliveryLogPath)
    let callbacks = CallbackDispatcher(logger: configuration.logger, retryDelays: configuration.callbackRetryDelays)
    let engine = OTPEngine(
        store: OTPStore(writer: store.writer), policies: store, directory: directory, outbox: outbox,
        callbacks: callbacks, environment: configuration.environment,
        deliveryFailureRate: configuration.deliveryFailureRate
    )
    let otp = OTPController(
        engine: engine, outbox: configuration.outboxEnabled ? outbox : nil, directory: directory
    )
    let routes =
        makeRoutes(store: store, directory: directory, faults: faults, environment: configuration.environment)
        + otp.routes
    let responder = APIResponder(
        routes: routes,
        directory: directory,
        faults: faults,
        journal: journal,
        failedLogins: FailedLogins(configuration.failedLoginLimit, now: configuration.environment.now)
    )
    let readTimeout = TimeAmount(configuration.readTimeout)
    let application = Application(
        responder: responder,
        server: .http1(
            configuration: .init(
                additionalChannelHandlers: [RequestReadDeadline(timeout: readTimeout)],
                idleTimeout: TimeAmount(configuration.idleTimeout)
            )
        ),
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port),
            serverName: "mitto-emulator"
        ),
        services: [callbacks, EngineTicker(engine: engine, interval: configuration.tickInterval)],
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
        logger: configuration.logger
    )
    return Emulator(
        application: application, faults: faults, store: store, journal: journal,
        operations: routes.map { "\($0.method.rawValue) \($0.pattern)" }.sorted()
    )
}

/// Every route the emulator serves; a test checks the OpenAPI document lists exactly these.
func makeRoutes(
    store: any PolicyStore, directory: AccountDirectory, faults: FaultInjector, environment: EmulatorEnvironment
) -> [Route] {
    let limits = PolicyController<LimitResource, Limit>(
        noun: "Limit", collectionPath: "/2fa/limits", readPath: "/2fa/limits/{limitSid}",
        itemPath: "/2fa/limits/{limitSid}", sidParameter: "limitSid",
        readBody: PolicyBodies.limit(from:),
        makeResource: { sid, accountSid, limit, created, updated in
            LimitResource(
                sid: sid, accountSid: accountSid, name: limit.name, description: limit.description,
                buckets: limit.buckets, dateCreated: created, dateUpdated: updated, uri: "/2fa/limits/\(sid)"
            )
        },
        envelope: { LimitEnvelope(limit: $0) },
        store: store, directory: directory, environment: environment
    )
    let workflows = PolicyController<WorkflowResource, Workflow>(
        noun: "Workflow", collectionPath: "/2fa/workflows", readPath: "/2fa/workflows/search/{workflowSid}",
        itemPath: "/2fa/workflows/{workflowSid}", sidParameter: "workflowSid",
        readBody: PolicyBodies.workflow(from:),
        makeResource: { sid, accountSid, workflow, created, updated in
            WorkflowResource(
                sid: sid, accountSid: accountSid, workflow: workflow, dateCreated: created, dateUpdated: updated,
                uri: "/2fa/workflows/\(sid)"
            )
        },
        envelope: { WorkflowEnvelope(workflow: $0) },
        store: store, directory: directory, environment: environment
    )
    return limits.routes + workflows.routes + OpenAPIDocument.routes + FaultsController(faults: faults).routes
}
