import Foundation
import MittoClient
import MittoTestSupport
import PolicyModel
import Testing

/// `mitto-policy` against a running `mitto-emulator` process, over real HTTP: commands run in this process, and the
/// built binary for the whole loop and the embedded default.
@Suite("End to end: mitto-policy against a mitto-emulator process")
struct EndToEndTests {
    @Test("plan, apply, plan again: the second plan has no changes")
    func convergence() async throws {
        try await withTemporaryDirectory { directory in
            let fixture = try EndToEndFixture.start(policy: EndToEndFixture.quickstart, in: directory)
            let first = try fixture.runBinary(["plan", "--env", "test", "--detailed-exitcode"])
            #expect(first.status == 2)
            #expect(first.stdout.contains("+ limit.limit_on_phone [tighten]  policy/policy.yaml:2:3"))
            #expect(first.stdout.hasSuffix("Plan: 2 to create, 0 to update, 0 to delete.\n"))
            let apply = try fixture.runBinary(["apply", "--env", "test", "--auto-approve"])
            #expect(apply.status == 0, "\(apply.stderr)")
            #expect(apply.stdout.contains("Apply complete: 2 applied, 0 failed, 0 unknown, 0 not started."))
            let second = try fixture.runBinary(["plan", "--env", "test", "--detailed-exitcode"])
            #expect(second.status == 0)
            #expect(second.stdout.hasSuffix("No changes. The account matches the manifests.\n"))
            let live = try await fixture.withAPI { api in try await api.listLimits() }
            #expect(live.map(\.limit.buckets.count) == [2])
        }
    }

    @Test("apply asks, and refuses to ask when nobody can answer")
    func approval() async throws {
        try await withTemporaryDirectory { directory in
            let fixture = try EndToEndFixture.start(policy: EndToEndFixture.quickstart, in: directory)
            let result = try await fixture.run(["apply", "--env", "test"])
            #expect(result.status == 1)
            #expect(result.stderr.contains("standard input is not a terminal; pass --auto-approve"))
            #expect(try await fixture.withAPI { try await $0.listLimits() }.isEmpty)
            // On a terminal only "yes" applies.
            for answer in ["y", "", "YES"] {
                let declined = try await fixture.run(["apply", "--env", "test"], input: answer, terminal: true)
                #expect(declined.status == 1)
                #expect(declined.stdout.hasSuffix("Only 'yes' is accepted: "))
                #expect(declined.stderr == "mitto-policy: error: not applied\n")
            }
            #expect(try await fixture.withAPI { try await $0.listLimits() }.isEmpty)
            let accepted = try await fixture.run(["apply", "--env", "test"], input: "yes\n", terminal: true)
            #expect(accepted.status == 0, "\(accepted.stderr)")
            #expect(try await fixture.withAPI { try await $0.listLimits() }.count == 1)
        }
    }

    @Test("a change made by hand is drift: exit 2, naming the object and field; unmanaged objects too")
    func drift() async throws {
        try await withTemporaryDirectory { directory in
            let fixture = try EndToEndFixture.start(policy: EndToEndFixture.quickstart, in: directory)
            #expect(try await fixture.run(["apply", "--env", "test", "--auto-approve"]).status == 0)
            #expect(try await fixture.run(["drift", "--env", "test"]).status == 0)
            try await fixture.withAPI { api in
                let limit = try #require(try await api.listLimits().first)
                var edited = limit.limit
                edited.buckets[0].max = 50
                _ = try await api.replaceLimit(sid: limit.sid, with: edited)
                _ = try await api.createLimit(Limit(name: "stray", buckets: [.init(name: "b", max: 1, interval: 60)]))
                _ = try await api.createLimit(
                    Limit(name: "legacy_ip", buckets: [.init(name: "b", max: 1, interval: 60)]))
            }
            let drift = try await fixture.run(["drift", "--env", "test"])
            #expect(drift.status == 2)
            // Raised from 3 to 50 by hand: loosened, said as what happened to the account.
            #expect(drift.stdout.contains("~ limit.limit_on_phone [loosened outside the manifests]"))
            #expect(drift.stdout.contains("buckets[burst].max: 50 → 3"))
            #expect(drift.stdout.contains("limit.stray"))
            #expect(!drift.stdout.contains("legacy_ip"))
            #expect(drift.stdout.hasSuffix("Drift: 1 changed, 0 missing, 1 unmanaged.\n"))
            let json = try await fixture.run(["drift", "--env", "test", "--format", "json"])
            #expect(json.status == 2)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            #expect(object["inSync"] as? Bool == false)
            #expect(object["formatVersion"] as? Int == 1)
            #expect((object["changed"] as? [[String: Any]])?.first?["risk"] as? String == "loosened")
        }
    }

    @Test("a saved plan is applied exactly, and refused once the account changed since")
    func savedPlan() async throws {
        try await withTemporaryDirectory { directory in
            let fixture = try EndToEndFixture.start(policy: EndToEndFixture.quickstart, in: directory)
            #expect(try await fixture.run(["apply", "--env", "test", "--auto-approve"]).status == 0)
            try fixture.writePolicy(EndToEndFixture.quickstart.replacingOccurrences(of: "max: 3", with: "max: 5"))
            let saved = try await fixture.run(["plan", "--env", "test", "-out", "reviewed.plan"])
            #expect(saved.status == 0)
            #expect(saved.stdout.contains("buckets[burst].max: 3 → 5 [loosen]"))
            try await fixture.withAPI { api in
                let limit = try #require(try await api.listLimits().first)
                var edited = limit.limit
                edited.buckets[1].max = 12
                _ = try await api.replaceLimit(sid: limit.sid, with: edited)
            }
            let stale = try await fixture.run(["apply", "reviewed.plan"])
            #expect(stale.status == 1)
            #expect(
                stale.stderr.contains(
                    "limit.limit_on_phone changed since the plan was made: buckets[daily].max 10 → 12"))
            let unchanged = try await fixture.withAPI { try await $0.listLimits() }
            #expect(unchanged.first?.limit.buckets.map(\.max) == [3, 12])

            #expect(try await fixture.run(["plan", "--env", "test", "-o", "fresh.plan"]).status == 0)
            let applied = try await fixture.run(["apply", "fresh.plan"])
            #expect(applied.status == 0, "\(applied.stderr)")
            let after = try await fixture.withAPI { try await $0.listLimits() }
            #expect(after.first?.limit.buckets.map(\.max) == [5, 10])
            let again = try await fixture.run(["apply", "fresh.plan"])
            #expect(again.status == 0, "\(again.stderr)")
            #expect(again.stdout == "No changes. Everything in the saved plan is already applied.\n")
        }
    }

    @Test("deletion needs --allow-delete, respects protect and ignore, and thresholds refuse until --force")
    func deletionSafety() async throws {
        try await withTemporaryDirectory { directory in
            let fixture = try EndToEndFixture.start(
                policy: EndToEndFixture.quickstart, safety: "{maxDeletes: 5, protect: [keep_*]}", in: directory
            )
            try await fixture.withAPI { api in
                for name in (0..<7).map({ "old_\($0)" }) + ["keep_me", "legacy_x"] {
                    _ = try await api.createLimit(Limit(name: name, buckets: [.init(name: "b", max: 1, interval: 60)]))
                }
            }
            let listed = try await fixture.run(["plan", "--env", "test"])
            #expect(listed.status == 0)
            #expect(listed.stdout.contains("limit.old_0"))
            #expect(listed.stdout.contains("Plan: 2 to create, 0 to update, 0 to delete."))
            let refused = try await fixture.run(["plan", "--env", "test", "--allow-delete"])
            #expect(refused.status == 1)
            #expect(refused.stdout.contains("7 deletions exceed safety.maxDeletes = 5"))
            #expect(refused.stdout.contains("--force"))
            let refusedApply = try await fixture.run(["apply", "--env", "test", "--allow-delete", "--auto-approve"])
            #expect(refusedApply.status == 1)
            #expect(try await fixture.withAPI { try await $0.listLimits() }.count == 9)
            let forced = try await fixture.run([
                "apply", "--env", "test", "--allow-delete", "--force", "--auto-approve",
            ])
            #expect(forced.status == 0, "\(forced.stderr)")
            let names = try await fixture.withAPI { try await $0.listLimits() }.map(\.name).sorted()
            #expect(names == ["keep_me", "legacy_x", "limit_on_phone"])
        }
    }

    @Test("export writes manifests that plan as no changes")
    func exportRoundTrip() async throws {
        try await withTemporaryDirectory { directory in
            let fixture = try EndToEndFixture.start(policy: "", in: directory)
            try await fixture.withAPI { api in
                _ = try await api.createLimit(
                    Limit(
                        name: "limit_on_ip", description: "per IP: 20/10m",
                        buckets: [
                            .init(name: "burst", max: 20, interval: 600),
                            .init(name: "daily", max: 200, interval: 86_400),
                        ])
                )
                _ = try await api.createWorkflow(
                    Workflow(
                        name: "high_value", codeLength: 8, codeTtl: 900, maxAttempts: 3,
                        steps: [
                            Step(
                                channel: .email, timeout: 600, body: "Code {code}", emailFrom: "sec@acme.example",
                                subject: "Code"),
                            Step(
                                channel: .call, timeout: 90, from: "+41445550000", body: "{code}",
                                language: "awspolly.ja-JP", voice: .man, repeat: 2),
                        ]
                    )
                )
            }
            let export = try await fixture.run(["export", "--env", "test", "--out", "policy"])
            #expect(export.status == 0, "\(export.stderr)")
            #expect(export.stderr.contains("Exported 1 limits and 1 workflows"))
            let plan = try await fixture.run(["plan", "--env", "test", "--detailed-exitcode"])
            #expect(plan.status == 0, "\(plan.stdout)\(plan.stderr)")
            #expect(plan.stdout.hasSuffix("No changes. The account matches the manifests.\n"))
            let again = try await fixture.run(["export", "--env", "test", "--out", "policy"])
            #expect(again.status == 1)
            #expect(again.stderr.contains("exists; export never overwrites a file"))
        }
    }

    @Test("a partial failure says what was and was not done; a rerun finishes without duplicates")
    func partialFailure() async throws {
        try await withTemporaryDirectory { directory in
            let fixture = try EndToEndFixture.start(policy: EndToEndFixture.quickstart, in: directory)
            let raw = RawHTTP(
                endpoint: fixture.emulator.endpoint, account: TestAccounts.acme.withKey(EndToEndFixture.apiKey))
            let fault = #"{"method":"POST","path":"/2fa/workflows","status":400,"times":1}"#
            #expect(try await raw.send("POST", "/_emulator/faults", body: fault).status == 200)
            let failed = try await fixture.run(["apply", "--env", "test", "--auto-approve"])
            #expect(failed.status == 1)
            #expect(failed.stdout.contains("✓ created limit.limit_on_phone"))
            #expect(
                failed.stdout.contains(
                    "✗ failed to create workflow.login: POST /2fa/workflows: 400: Injected fault: 400"))
            #expect(failed.stdout.contains("Apply incomplete: 1 applied, 1 failed, 0 unknown, 0 not started."))
            let rerun = try await fixture.run(["apply", "--env", "test", "--auto-approve"])
            #expect(rerun.status == 0, "\(rerun.stderr)")
            #expect(rerun.stdout.contains("Plan: 1 to create, 0 to update, 0 to delete."))
            #expect(try await fixture.withAPI { try await $0.listLimits() }.count == 1)
            #expect(try await fixture.withAPI { try await $0.listWorkflows() }.count == 1)
        }
    }

    @Test("the applied quickstart limit refuses the fourth send to one phone within ten minutes")
    func appliedLimitRefusesSends() async throws {
        try await withTemporaryDirectory { directory in
            let fixture = try EndToEndFixture.start(policy: EndToEndFixture.quickstart, in: directory)
            #expect(try await fixture.run(["apply", "--env", "test", "--auto-approve"]).status == 0)
            let raw = RawHTTP(
                endpoint: fixture.emulator.endpoint, account: TestAccounts.acme.withKey(EndToEndFixture.apiKey))
            let send = #"{"workflow":"login","to":"+41790000007","limits":{"limit_on_phone":"+41790000007"}}"#
            var statuses: [Int] = []
            for _ in 0..<4 { statuses.append(try await raw.send("POST", "/2fa/send", body: send).status) }
            #expect(statuses == [200, 200, 200, 429])
            let refused = try await raw.send("POST", "/2fa/send", body: send)
            #expect((refused.json["message"] as? String)?.contains("limit 'limit_on_phone', bucket 'burst'") == true)
            #expect(Int(refused.headers["retry-after"] ?? "") ?? 0 > 0)
            let other = #"{"workflow":"login","to":"+41790000008","limits":{"limit_on_phone":"+41790000008"}}"#
            #expect(try await raw.send("POST", "/2fa/send", body: other).status == 200)
        }
    }

    @Test("an apiKeyFile readable by others is refused; one only its owner reads is used")
    func apiKeyFile() async throws {
        try await withTemporaryDirectory { directory in
            let fixture = try EndToEndFixture.start(policy: EndToEndFixture.quickstart, in: directory)
            let keyFile = directory.appendingPathComponent("mitto.key")
            try (EndToEndFixture.apiKey + "\n").write(to: keyFile, atomically: true, encoding: .utf8)
            let project = """
                manifests: [policy]
                environments:
                  test:
                    endpoint: http://127.0.0.1:\(fixture.emulator.port)
                    accountSid: \(EndToEndFixture.accountSid)
                    apiKeyFile: mitto.key
                """
            try project.write(
                to: directory.appendingPathComponent("mitto-policy.yaml"), atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: keyFile.path)
            let refused = try await fixture.run(["plan", "--env", "test"])
            #expect(refused.status == 1)
            #expect(
                refused.stderr.contains(
                    "apiKeyFile mitto.key is readable by others (mode 644); run chmod 600 mitto.key"))
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyFile.path)
            let planned = try await fixture.run(["plan", "--env", "test"])
            #expect(planned.status == 0, "\(planned.stderr)")
            #expect(planned.stdout.contains("Plan: 2 to create"))
        }
    }

    @Test("an environment with subAccount manages the sub-account's objects, not the parent's")
    func subAccountEnvironment() async throws {
        try await withTemporaryDirectory { directory in
            let parent = TestAccounts.acme
            let sub = TestAccounts.acmeSub
            let accounts = """
                accounts:
                  - sid: \(parent.sid)
                    apiKey: \(parent.apiKey)
                    subAccounts: [{sid: \(sub.sid), apiKey: \(sub.apiKey)}]
                """
            let accountsFile = directory.appendingPathComponent("accounts.yaml")
            try accounts.write(to: accountsFile, atomically: true, encoding: .utf8)
            let emulator = try EmulatorProcess(arguments: ["--in-memory", "--accounts", accountsFile.path])
            try FileManager.default.createDirectory(
                at: directory.appendingPathComponent("policy"), withIntermediateDirectories: true
            )
            try EndToEndFixture.quickstart.write(
                to: directory.appendingPathComponent("policy/policy.yaml"), atomically: true, encoding: .utf8
            )
            let project = """
                manifests: [policy]
                environments:
                  tenant:
                    endpoint: http://127.0.0.1:\(emulator.port)
                    accountSid: \(parent.sid)
                    apiKey: ${env:E2E_API_KEY}
                    subAccount: ${env:E2E_SUB_ACCOUNT}
                """
            try project.write(
                to: directory.appendingPathComponent("mitto-policy.yaml"), atomically: true, encoding: .utf8)
            let environment = ["E2E_API_KEY": parent.apiKey, "E2E_SUB_ACCOUNT": sub.sid]
            let apply = try await InProcess.run(
                ["apply", "--env", "tenant", "--auto-approve"], in: directory, environment: environment)
            #expect(apply.status == 0, "\(apply.stderr)")
            #expect(!apply.stdout.contains(parent.apiKey))
            let (own, subs) = try await withHTTPMittoAPI(
                endpoint: emulator.endpoint, credentials: TestAccounts.credentials(parent)
            ) { api in
                let own = try await api.listLimits()
                let subs = try await withHTTPMittoAPI(
                    endpoint: emulator.endpoint, credentials: TestAccounts.credentials(sub)
                ) { try await $0.listLimits() }
                return (own, subs)
            }
            #expect(own.isEmpty)
            #expect(subs.map(\.name) == ["limit_on_phone"])
            #expect(subs.first?.accountSid == sub.sid)
        }
    }

    @Test("an endpoint with nothing listening is a clear error after the client's bounded retries")
    func unreachableEndpoint() async throws {
        try await withTemporaryDirectory { directory in
            let fixture = try EndToEndFixture.start(policy: EndToEndFixture.quickstart, in: directory)
            let port = fixture.emulator.port
            fixture.emulator.stop()
            let result = try await fixture.run(["plan", "--env", "test"])
            #expect(result.status == 1)
            #expect(result.stderr.hasPrefix("mitto-policy: error: GET /2fa/"))
            #expect(result.stderr.contains("gave up after 5 attempts: no answer"))
            #expect(result.stderr.contains("\(port)") || result.stderr.contains("connect"))
        }
    }

    @Test("a broken manifest never reaches the API")
    func brokenManifest() async throws {
        try await withTemporaryDirectory { directory in
            let fixture = try EndToEndFixture.start(
                policy: EndToEndFixture.quickstart.replacingOccurrences(of: "max: 3", with: "max: 0"), in: directory
            )
            let result = try await fixture.run(["apply", "--env", "test", "--auto-approve"])
            #expect(result.status == 1)
            #expect(
                result.stderr.contains(
                    "policy/policy.yaml:5:28: error: buckets[0].max must be between 1 and 1000000, got 0"))
            #expect(result.stderr.contains("nothing was sent to the API"))
            #expect(try await fixture.withAPI { try await $0.listLimits() }.isEmpty)
        }
    }

    @Test("without --env the embedded emulator keeps state in .mitto-policy/ across runs")
    func embeddedDefault() async throws {
        try await withTemporaryDirectory { directory in
            let policy = directory.appendingPathComponent("quickstart")
            try FileManager.default.createDirectory(at: policy, withIntermediateDirectories: true)
            try EndToEndFixture.quickstart.write(
                to: policy.appendingPathComponent("policy.yaml"), atomically: true, encoding: .utf8)
            let plan = try CommandRunner.run(["plan", "quickstart", "--detailed-exitcode"], in: directory)
            #expect(plan.status == 2)
            #expect(plan.stdout.hasPrefix("Plan for environment local"))
            let apply = try CommandRunner.run(["apply", "quickstart", "--auto-approve"], in: directory)
            #expect(apply.status == 0, "\(apply.stderr)")
            let again = try CommandRunner.run(["plan", "quickstart", "--detailed-exitcode"], in: directory)
            #expect(again.status == 0)
            #expect(
                FileManager.default.fileExists(
                    atPath: directory.appendingPathComponent(".mitto-policy/emulator.sqlite").path))
            let ignore = try String(
                contentsOf: directory.appendingPathComponent(".mitto-policy/.gitignore"), encoding: .utf8)
            #expect(ignore.contains("*"))
        }
    }
}
