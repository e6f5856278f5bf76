import Foundation
import MittoClient
import MittoTestSupport

/// A running `mitto-emulator` process and a project folder whose `test` environment points at it, for driving the
/// built `mitto-policy` binary the way a user does.
struct EndToEndFixture {
    static let accountSid = TestAccounts.acme.sid
    static let apiKey = "e2e-secret-key-do-not-print"

    let emulator: EmulatorProcess
    let directory: URL

    /// The environment variables the project file's `${env:…}` references read.
    var environment: [String: String] { ["E2E_ACCOUNT_SID": Self.accountSid, "E2E_API_KEY": Self.apiKey] }

    /// Starts an emulator and writes a project with `policy` as its one manifest and `safety` as its settings.
    static func start(policy: String, safety: String = "{maxDeletes: 5}", in directory: URL) throws -> EndToEndFixture {
        let emulator = try EmulatorProcess(
            arguments: ["--in-memory", "--account-sid", accountSid], environment: ["MITTO_API_KEY": apiKey]
        )
        let project = """
            manifests: [policy]
            environments:
              test:
                endpoint: http://127.0.0.1:\(emulator.port)
                accountSid: ${env:E2E_ACCOUNT_SID}
                apiKey: ${env:E2E_API_KEY}
            safety: \(safety)
            ignore: {limits: ["legacy_*"]}
            """
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("policy"), withIntermediateDirectories: true
        )
        try project.write(to: directory.appendingPathComponent("mitto-policy.yaml"), atomically: true, encoding: .utf8)
        let fixture = EndToEndFixture(emulator: emulator, directory: directory)
        try fixture.writePolicy(policy)
        return fixture
    }

    func writePolicy(_ text: String) throws {
        try text.write(to: directory.appendingPathComponent("policy/policy.yaml"), atomically: true, encoding: .utf8)
    }

    /// Runs a `mitto-policy` command in the project folder, in this process; the API key must never show in what
    /// it prints.
    func run(_ arguments: [String], input: String? = nil, terminal: Bool = false) async throws -> CommandResult {
        try checked(
            await InProcess.run(arguments, in: directory, environment: environment, input: input, terminal: terminal))
    }

    /// Runs the built `mitto-policy` binary in the project folder, as a user does.
    func runBinary(_ arguments: [String]) throws -> CommandResult {
        try checked(CommandRunner.run(arguments, in: directory, environment: environment))
    }

    private func checked(_ result: CommandResult) -> CommandResult {
        precondition(!result.stdout.contains(Self.apiKey) && !result.stderr.contains(Self.apiKey), "API key printed")
        return result
    }

    /// Changes the account behind the tool's back, as a person in a console would.
    func withAPI<Result: Sendable>(_ body: (HTTPMittoAPI) async throws -> Result) async throws -> Result {
        try await withHTTPMittoAPI(
            endpoint: emulator.endpoint,
            credentials: MittoCredentials(accountSid: Self.accountSid, apiKey: Self.apiKey),
            retryPolicy: .none, body
        )
    }

    static let quickstart = """
        limits:
          limit_on_phone:
            description: Caps OTPs per phone number
            buckets:
              - {name: burst, max: 3, interval: 10m}
              - {name: daily, max: 10, interval: 24h}
        workflows:
          login:
            codeTtl: 10m
            steps:
              - {channel: sms, from: ACME, body: "Your ACME code is {code}", timeout: 60s}
              - {channel: call, from: "+41445550000", body: "Your code is {code}", language: en-US, timeout: 2m}
        """
}
