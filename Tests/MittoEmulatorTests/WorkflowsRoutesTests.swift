import Foundation
import MittoEmulator
import MittoTestSupport
import Testing

@Suite("Workflows endpoints over HTTP")
struct WorkflowsRoutesTests {
    static let login = """
        {"name":"login","description":"SMS first, a voice call if the code is not used",
         "codeLength":6,"codeTtl":600,"maxAttempts":5,
         "steps":[{"channel":"sms","timeout":60,"from":"ACME","body":"Your ACME code is {code}"},
                  {"channel":"call","timeout":120,"from":"+41445550000","body":"Your code is {code}",
                   "language":"en-US","voice":"woman","repeat":2}]}
        """

    @Test("create, read at /search/{sid}, replace, delete")
    func lifecycle() async throws {
        try await withRunningEmulator { emulator in
            let http = RawHTTP(emulator)
            let created = try await http.send("POST", "/2fa/workflows", body: Self.login)
            #expect(created.status == 200)
            let workflow = try #require(created.json["workflow"] as? [String: Any])
            let sid = try #require(workflow["sid"] as? String)
            #expect(sid.hasPrefix("WF") && sid.count == 34)
            #expect(workflow["uri"] as? String == "/2fa/workflows/\(sid)")
            let steps = try #require(workflow["steps"] as? [[String: Any]])
            #expect(steps.count == 2)
            #expect(steps[1]["voice"] as? String == "woman")
            #expect(steps[0]["voice"] == nil)

            let read = try await http.send("GET", "/2fa/workflows/search/\(sid)")
            #expect(read.status == 200)
            #expect((read.json["workflow"] as? [String: Any])?["codeTtl"] as? Int == 600)

            let replaced = try await http.send(
                "PUT", "/2fa/workflows/\(sid)",
                body: #"{"name":"login","steps":[{"channel":"sms","timeout":30,"body":"Code: {code}"}]}"#
            )
            #expect(replaced.status == 200)
            let after = try #require(replaced.json["workflow"] as? [String: Any])
            #expect(after["codeLength"] as? Int == 6)
            #expect(after["maxAttempts"] as? Int == 5)
            #expect((after["steps"] as? [Any])?.count == 1)
            #expect(after["dateCreated"] as? String == workflow["dateCreated"] as? String)

            let search = try await http.send("GET", "/2fa/workflows/search?name=login")
            #expect((search.json["workflows"] as? [Any])?.count == 1)

            #expect(try await http.send("DELETE", "/2fa/workflows/\(sid)").status == 200)
            #expect(try await http.send("GET", "/2fa/workflows/search/\(sid)").status == 404)
            #expect(try await http.send("DELETE", "/2fa/workflows/\(sid)").status == 404)
        }
    }

    struct BadWorkflow: Sendable, CustomTestStringConvertible {
        var label: String
        var body: String
        var field: String
        var testDescription: String { label }
    }

    static let badWorkflows: [BadWorkflow] = [
        .init(
            label: "body without {code}",
            body: #"{"name":"w","steps":[{"channel":"sms","timeout":60,"body":"hello"}]}"#, field: "steps[0].body"),
        .init(
            label: "unknown channel",
            body: #"{"name":"w","steps":[{"channel":"fax","timeout":60,"body":"{code}"}]}"#,
            field: "steps[0].channel"),
        .init(
            label: "email without emailFrom",
            body: #"{"name":"w","steps":[{"channel":"email","timeout":60,"body":"{code}","subject":"s"}]}"#,
            field: "steps[0].emailFrom"),
        .init(
            label: "timeouts past codeTtl",
            body:
                #"{"name":"w","codeTtl":60,"steps":[{"channel":"sms","timeout":50,"body":"{code}"},{"channel":"sms","timeout":50,"body":"{code}"}]}"#,
            field: "steps"),
        .init(
            label: "code length out of range",
            body: #"{"name":"w","codeLength":12,"steps":[{"channel":"sms","timeout":60,"body":"{code}"}]}"#,
            field: "codeLength"),
        .init(label: "no steps", body: #"{"name":"w","steps":[]}"#, field: "steps"),
        .init(
            label: "voice on an sms step",
            body: #"{"name":"w","steps":[{"channel":"sms","timeout":60,"body":"{code}","voice":"man"}]}"#,
            field: "steps[0].voice"),
        .init(label: "steps not a list", body: #"{"name":"w","steps":{"channel":"sms"}}"#, field: "steps"),
    ]

    @Test("400 naming the field, nothing stored", arguments: badWorkflows)
    func invalid(_ bad: BadWorkflow) async throws {
        try await withRunningEmulator { emulator in
            let http = RawHTTP(emulator)
            let response = try await http.send("POST", "/2fa/workflows", body: bad.body)
            #expect(response.status == 400)
            let fields = (response.json["details"] as? [[String: String]] ?? []).compactMap { $0["field"] }
            #expect(fields.contains(bad.field), "\(response.body)")
            #expect(try await http.send("GET", "/2fa/workflows/search").json["total"] as? Int == 0)
        }
    }
}
