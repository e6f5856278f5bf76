import Foundation
import MittoTestSupport
import Testing

/// What a command reads and where it sends: the paths given are what is read, the project file is kept, and an
/// environment or project-file problem is said as such.
@Suite("Paths, project file and environments, through the real binary")
struct WorkspaceTests {
    static let otherPolicy = """
        limits:
          other_limit:
            buckets:
              - {name: b, max: 1, interval: 60}
        """

    @Test("a path that does not exist is an error, even with a project file that has manifests")
    func missingPath() async throws {
        try await withTemporaryDirectory { directory in
            let fixture = try EndToEndFixture.start(policy: EndToEndFixture.quickstart, in: directory)
            let result = try await fixture.run(["validate", "--project", "mitto-policy.yaml", "/nonexistent"])
            #expect(result.status == 1)
            #expect(result.stdout.contains("/nonexistent: no such file or directory"), "\(result.stdout)")
            #expect(!result.stdout.contains("valid:"))
        }
    }

    @Test("validate reads the paths given, with the project's variables; plan refuses paths that are not the project's")
    func givenPathsAreRead() async throws {
        try await withTemporaryDirectory { directory in
            let fixture = try EndToEndFixture.start(policy: EndToEndFixture.quickstart, in: directory)
            let other = directory.appendingPathComponent("other")
            try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
            try Self.otherPolicy.write(to: other.appendingPathComponent("o.yaml"), atomically: true, encoding: .utf8)

            let validate = try await fixture.run(["validate", "--project", "mitto-policy.yaml", "other"])
            #expect(validate.status == 0)
            #expect(validate.stdout.contains("1 limit, 0 workflows"), "\(validate.stdout)")

            let plan = try await fixture.run(["plan", "--env", "test", "--project", "mitto-policy.yaml", "other"])
            #expect(plan.status == 1)
            #expect(plan.stderr.contains("other is not the manifests of mitto-policy.yaml, which reads policy"))
            #expect(plan.stdout.isEmpty)
        }
    }

    @Test("inside a project folder, naming its manifests (folder or files) keeps the project file and its environment")
    func projectKept() async throws {
        try await withTemporaryDirectory { directory in
            let fixture = try EndToEndFixture.start(policy: EndToEndFixture.quickstart, in: directory)
            for paths in [["policy"], ["policy/policy.yaml"], ["./policy/"]] {
                let plan = try await fixture.run(["plan", "--env", "test"] + paths)
                #expect(plan.status == 0, "\(paths): \(plan.stderr)")
                #expect(plan.stdout.hasPrefix("Plan for environment test"))
            }
        }
    }

    @Test("no manifest found is an error naming where it looked, and plan creates no state folder")
    func noManifests() async throws {
        try await withTemporaryDirectory { directory in
            let validate = try await InProcess.run(["validate"], in: directory)
            #expect(validate.status == 1)
            #expect(
                validate.stdout.contains(
                    "error: no manifests found in the current folder (looked for *.yaml and *.yml files)"),
                "\(validate.stdout)")
            let plan = try await InProcess.run(["plan"], in: directory)
            #expect(plan.status == 1)
            #expect(plan.stderr.contains("no manifests were read; nothing was sent to the API"))
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent(".mitto-policy").path))
        }
    }

    @Test("an unknown environment is said as such, not counted as a manifest error")
    func unknownEnvironment() async throws {
        try await withTemporaryDirectory { directory in
            let fixture = try EndToEndFixture.start(policy: EndToEndFixture.quickstart, in: directory)
            let plan = try await fixture.run(["plan", "--env", "nope"])
            #expect(plan.status == 1)
            #expect(
                plan.stderr
                    == "mitto-policy: error: environment 'nope' is not defined in mitto-policy.yaml\n  hint: defined: test\n"
            )
        }
    }

    @Test("a refused plan is not saved; a saved plan's apply command names the environment")
    func savedPlanCommand() async throws {
        try await withTemporaryDirectory { directory in
            let fixture = try EndToEndFixture.start(policy: EndToEndFixture.quickstart, in: directory)
            #expect(try await fixture.run(["apply", "--env", "test", "--auto-approve"]).status == 0)
            try await fixture.withAPI { api in
                for index in 0..<8 {
                    _ = try await api.createLimit(
                        .init(name: "extra_\(index)", buckets: [.init(name: "b", max: 1, interval: 60)]))
                }
            }
            let refused = try await fixture.run(["plan", "--env", "test", "--allow-delete", "-out", "r.json"])
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("the plan crosses a safety threshold, so it was not saved to r.json"))
            #expect(!refused.stderr.contains("Apply exactly this plan"))
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("r.json").path))

            let saved = try await fixture.run(["plan", "--env", "test", "-out", "ok.json"])
            #expect(saved.status == 0)
            #expect(saved.stderr.contains("Apply exactly this plan with: mitto-policy apply --env test ok.json"))
        }
    }

    @Test("a saved plan records its account and is refused for another; its shapes agree with plan --format json")
    func savedPlanTarget() async throws {
        try await withTemporaryDirectory { directory in
            let fixture = try EndToEndFixture.start(policy: EndToEndFixture.quickstart, in: directory)
            #expect(try await fixture.run(["plan", "--env", "test", "-out", "p.json"]).status == 0)
            let json = try await fixture.run(["plan", "--env", "test", "--format", "json"])
            let saved = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("p.json")))
                    as? [String: Any])
            let shown = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            let target = try #require(saved["target"] as? [String: String])
            #expect(target["endpoint"] == "http://127.0.0.1:\(fixture.emulator.port)")
            #expect(target["accountSid"] == EndToEndFixture.accountSid)
            #expect(shown["target"] as? [String: String] == target)
            #expect(saved["formatVersion"] as? Int == shown["formatVersion"] as? Int)
            let savedChanges = try #require(saved["changes"] as? [[String: Any]])
            let shownChanges = try #require(shown["changes"] as? [[String: Any]])
            #expect(savedChanges.map { $0["address"] as? String } == shownChanges.map { $0["address"] as? String })
            #expect(savedChanges.first?["address"] as? String == "limit.limit_on_phone")
            func canonical(_ value: Any?) throws -> String {
                guard let value else { return "absent" }
                let data = try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])
                return String(decoding: data, as: UTF8.self)
            }
            for key in ["before", "after", "changedFields", "risk", "source", "action", "sid"] {
                #expect(
                    try savedChanges.map { try canonical($0[key]) } == shownChanges.map { try canonical($0[key]) },
                    "\(key)")
            }

            // The same environment name now points at another endpoint: the plan is refused, naming both.
            let project = directory.appendingPathComponent("mitto-policy.yaml")
            let text = try String(contentsOf: project, encoding: .utf8)
            try text.replacingOccurrences(of: "http://127.0.0.1:", with: "http://localhost:").write(
                to: project, atomically: true, encoding: .utf8)
            let apply = try await fixture.run(["apply", "p.json"])
            #expect(apply.status == 1)
            #expect(
                apply.stderr.contains(
                    "the plan was made for account \(EndToEndFixture.accountSid) at http://127.0.0.1:\(fixture.emulator.port), "
                        + "but environment 'test' now names account \(EndToEndFixture.accountSid) at "
                        + "http://localhost:\(fixture.emulator.port); nothing was applied"), "\(apply.stderr)")
            #expect(try await fixture.withAPI { try await $0.listLimits() }.isEmpty)
        }
    }

    @Test("credentials written into an endpoint URL never reach the plan's target")
    func endpointCredentials() async throws {
        try await withTemporaryDirectory { directory in
            let fixture = try EndToEndFixture.start(policy: EndToEndFixture.quickstart, in: directory)
            let project = directory.appendingPathComponent("mitto-policy.yaml")
            let text = try String(contentsOf: project, encoding: .utf8)
            try text.replacingOccurrences(of: "http://127.0.0.1:", with: "http://someone:hunter2@127.0.0.1:").write(
                to: project, atomically: true, encoding: .utf8)
            let plan = try await fixture.run(["plan", "--env", "test", "--format", "json"])
            #expect(plan.status == 0, "\(plan.stderr)")
            #expect(plan.stdout.contains("\"endpoint\" : \"http://127.0.0.1:\(fixture.emulator.port)\""))
            #expect(!plan.stdout.contains("hunter2") && !plan.stderr.contains("hunter2"))
        }
    }

    @Test("an accountSid read from the environment that is not a sid is refused without being echoed")
    func accountSidShape() async throws {
        try await withTemporaryDirectory { directory in
            let fixture = try EndToEndFixture.start(policy: EndToEndFixture.quickstart, in: directory)
            var environment = fixture.environment
            environment["E2E_ACCOUNT_SID"] = "pasted-key-by-mistake"
            let plan = try await InProcess.run(["plan", "--env", "test"], in: directory, environment: environment)
            #expect(plan.status == 1)
            #expect(
                plan.stderr
                    == "mitto-policy: error: environment 'test': accountSid is not AC and 32 lowercase hex digits\n")
            #expect(!plan.stdout.contains("pasted-key") && !plan.stderr.contains("pasted-key"))
        }
    }

    @Test("two declarations renaming one live object: an error at each")
    func sharedPreviousName() async throws {
        try await withTemporaryDirectory { directory in
            let policy = """
                limits:
                  first:
                    previousName: legacy
                    buckets: [{name: b, max: 1, interval: 60}]
                  second:
                    previousName: legacy
                    buckets: [{name: b, max: 1, interval: 60}]
                """
            try policy.write(to: directory.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
            let result = try await InProcess.run(["validate"], in: directory)
            #expect(result.status == 1)
            #expect(result.stdout.contains("p.yaml:2:3: error: limit 'first' renames 'legacy', as does 'second'"))
            #expect(result.stdout.contains("p.yaml:5:3: error: limit 'second' renames 'legacy', as does 'first'"))
        }
    }
}
