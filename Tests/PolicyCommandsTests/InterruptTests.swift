import Foundation
import MittoEmulator
import MittoTestSupport
import Testing

/// Ctrl-C during a real apply, sent as SIGINT to the real process.
@Suite("Ctrl-C during apply")
struct InterruptTests {
    static let limits = (0..<30).map { "  l\($0):\n    buckets: [{name: b, max: 1, interval: 60}]" }
        .joined(separator: "\n")

    @Test("starts no new change, lets those in flight finish, reports every change and exits 130")
    func interrupt() async throws {
        try await withTemporaryDirectory { directory in
            let fixture = try EndToEndFixture.start(policy: "limits:\n" + Self.limits, in: directory)
            // Every create is answered half a second after it is made, so the apply is still going when stopped.
            let fault = #"{"method":"POST","path":"/2fa/limits","delay":0.5,"when":"afterHandling","times":100}"#
            let raw = RawHTTP(
                endpoint: fixture.emulator.endpoint,
                account: Account(sid: EndToEndFixture.accountSid, apiKey: EndToEndFixture.apiKey))
            #expect(try await raw.send("POST", "/_emulator/faults", body: fault).status == 200)

            let apply = try CommandRunner.start(
                ["apply", "--env", "test", "--auto-approve", "--parallelism", "2"],
                executable: try BuiltProducts.executable("mitto-policy"), in: directory,
                environment: fixture.environment
            )
            defer { if apply.process.isRunning { apply.process.terminate() } }
            // Wait (bounded) until the account holds the first created limits, then press Ctrl-C.
            let deadline = ContinuousClock.now + .seconds(30)
            while try await fixture.withAPI({ try await $0.listLimits() }).count < 2, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            apply.send(SIGINT)
            let result = apply.wait()
            let printed = result.stdout
            let warned = result.stderr
            #expect(result.status == 130)
            #expect(warned.contains("Interrupted: no new change starts; waiting for the changes in flight to finish"))
            let created = printed.split(separator: "\n").filter { $0.hasPrefix("✓ created limit.") }.count
            let notStarted = printed.split(separator: "\n").filter { $0.hasPrefix("- not started limit.") }.count
            #expect(notStarted > 0)
            #expect(created + notStarted == 30, "\(printed)")
            #expect(
                printed.contains(
                    "Apply incomplete: \(created) applied, 0 failed, 0 unknown, \(notStarted) not started. Interrupted")
            )
            // What was in flight finished and is in the report: the account holds exactly the reported creates.
            let live = try await fixture.withAPI { try await $0.listLimits() }
            #expect(live.count == created)
        }
    }
}
