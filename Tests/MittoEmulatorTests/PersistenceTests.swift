import Foundation
import MittoClient
import MittoEmulator
import MittoTestSupport
import PolicyModel
import Testing

@Suite("State in SQLite survives restarts and a killed process")
struct PersistenceTests {
    static let acme = TestAccounts.acme

    static func limit(_ index: Int) -> Limit {
        Limit(name: "limit_\(index)", buckets: [.init(name: "b", max: index + 1, interval: 60)])
    }

    @Test("limits and workflows written before a restart are there after it")
    func restart() async throws {
        try await withTemporaryDirectory { directory in
            let database = directory.appendingPathComponent("state.sqlite").path
            let created = try await withRunningEmulator(storage: .file(database)) { emulator in
                try await withClient(emulator) { api in
                    let limit = try await api.createLimit(Self.limit(1))
                    let workflow = try await api.createWorkflow(
                        Workflow(name: "login", steps: [Step(channel: .sms, timeout: 60, body: "{code}")])
                    )
                    return (limit, workflow)
                }
            }
            let (limits, workflows) = try await withRunningEmulator(storage: .file(database)) { emulator in
                try await withClient(emulator) { api in (try await api.listLimits(), try await api.listWorkflows()) }
            }
            #expect(limits == [created.0])
            #expect(workflows == [created.1])
        }
    }

    @Test("an emulator killed with SIGKILL during a burst of writes keeps every acknowledged write")
    func killedMidBurst() async throws {
        try await withTemporaryDirectory { directory in
            let database = directory.appendingPathComponent("state.sqlite").path
            let arguments = ["--database", database, "--account-sid", Self.acme.sid]
            let environment = ["MITTO_API_KEY": Self.acme.apiKey]
            let server = try EmulatorProcess(arguments: arguments, environment: environment)
            let acknowledged = LockedValue<[String]>([])
            let killed = LockedValue(false)
            try await withHTTPClient { client in
                let api = HTTPMittoAPI(
                    endpoint: server.endpoint, credentials: TestAccounts.credentials(Self.acme), httpClient: client,
                    retryPolicy: RetryPolicy(maxAttempts: 1, requestTimeout: .seconds(2))
                )
                await withTaskGroup(of: Void.self) { group in
                    for worker in 0..<8 {
                        group.addTask {
                            for index in stride(from: worker, to: 2_000, by: 8) {
                                guard let created = try? await api.createLimit(Self.limit(index)) else { return }
                                let count = acknowledged.withLock { names in
                                    names.append(created.name)
                                    return names.count
                                }
                                if count == 150 {
                                    killed.withLock { $0 = true }
                                    server.kill()
                                }
                            }
                        }
                    }
                }
            }
            #expect(killed.value)
            let names = acknowledged.value
            #expect(names.count >= 150)

            let restarted = try EmulatorProcess(arguments: arguments, environment: environment)
            defer { restarted.stop() }
            let stored = try await withHTTPClient { client in
                try await HTTPMittoAPI(
                    endpoint: restarted.endpoint, credentials: TestAccounts.credentials(Self.acme), httpClient: client
                ).listLimits()
            }
            let storedNames = Set(stored.map(\.name))
            let missing = names.filter { !storedNames.contains($0) }
            #expect(missing.isEmpty, "acknowledged but lost: \(missing)")
            #expect(stored.count < 2_000, "the kill came after the burst ended")
        }
    }

    @Test("SIGTERM shuts the server down cleanly")
    func gracefulShutdown() async throws {
        let server = try EmulatorProcess(
            arguments: ["--in-memory", "--account-sid", Self.acme.sid], environment: ["MITTO_API_KEY": Self.acme.apiKey]
        )
        #expect(server.printed.contains("listening on http://127.0.0.1:\(server.port) (in memory)"))
        #expect(server.stop(signal: SIGTERM) == 0)
        #expect(!server.printed.contains(Self.acme.apiKey))
    }
}
