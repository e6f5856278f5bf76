import Foundation
import MittoTestSupport
import Testing

/// `mitto-policy show` and `mitto-policy completion`, run in process.
@Suite("mitto-policy show and completion")
struct ShowCommandTests {
    @Test("show renders a saved plan exactly as plan printed it, in every format")
    func showMatchesPlan() async throws {
        try await PlanCommandTests.withQuickstart { directory in
            let saved = try await InProcess.run(["plan", "quickstart", "-out", "saved.plan"], in: directory)
            #expect(saved.status == 0, "\(saved.stderr)")
            for format in ["text", "json", "markdown"] {
                let plan = try await InProcess.run(["plan", "quickstart", "--format", format], in: directory)
                let shown = try await InProcess.run(["show", "saved.plan", "--format", format], in: directory)
                #expect(shown.status == 0, "\(shown.stderr)")
                #expect(shown.stdout == plan.stdout, "show --format \(format) differs from plan")
            }
            let missing = try await InProcess.run(["show", "nothing.plan"], in: directory)
            #expect(missing.status == 1)
            #expect(
                missing.stderr
                    == "mitto-policy: error: nothing.plan is not a saved plan (no such file, or not one): make one "
                    + "with plan -out nothing.plan\n")
            let manifest = try await InProcess.run(["show", "quickstart/policy.yaml"], in: directory)
            #expect(manifest.status == 1)
        }
    }

    @Test("a saved plan is byte for byte what plan --format json prints, so that output can be applied as it is")
    func savedPlanIsThePlanJSON() async throws {
        try await PlanCommandTests.withQuickstart { directory in
            #expect(try await InProcess.run(["plan", "quickstart", "-out", "saved.plan"], in: directory).status == 0)
            let json = try await InProcess.run(["plan", "quickstart", "--format", "json"], in: directory)
            let saved = try String(contentsOf: directory.appendingPathComponent("saved.plan"), encoding: .utf8)
            #expect(saved == json.stdout)
            #expect(try SchemaCheck.errors([saved], schema: "plan") == [[]])
            try json.stdout.write(to: directory.appendingPathComponent("plan.json"), atomically: true, encoding: .utf8)
            let apply = try await InProcess.run(["apply", "plan.json"], in: directory)
            #expect(apply.status == 0, "\(apply.stderr)")
            #expect(apply.stdout.contains("Apply complete: 2 applied"))
            let schema = try await InProcess.run(["schema", "plan"])
            #expect(schema.status == 0)
            #expect(schema.stdout.contains("\"title\": \"mitto-policy plan\""))
        }
    }

    @Test(
        "completion prints a script for each shell that names the commands",
        arguments: [
            ("bash", "-F _mitto-policy mitto-policy"), ("zsh", "#compdef mitto-policy"),
            ("fish", "complete -c 'mitto-policy'"),
        ])
    func completion(shell: String, marker: String) async throws {
        let result = try await InProcess.run(["completion", shell])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains(marker))
        for command in ["simulate", "export-traffic", "plan", "show"] {
            #expect(result.stdout.contains(command), "\(shell) completion does not name \(command)")
        }
    }
}
