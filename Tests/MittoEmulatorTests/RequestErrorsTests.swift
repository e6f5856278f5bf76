import Foundation
import MittoEmulator
import MittoTestSupport
import Testing

@Suite("Refused requests: status, envelope, details, nothing stored")
struct RequestErrorsTests {
    struct BadBody: Sendable, CustomTestStringConvertible {
        var label: String
        var body: String
        var field: String
        var problem: String
        var testDescription: String { label }
    }

    static let badBodies: [BadBody] = [
        .init(
            label: "missing name", body: #"{"buckets":[{"name":"b","max":1,"interval":60}]}"#, field: "name",
            problem: "is required"),
        .init(
            label: "wrong type", body: #"{"name":"x","buckets":[{"name":"b","max":"three","interval":60}]}"#,
            field: "buckets[0].max", problem: "must be an integer, got string"),
        .init(
            label: "max out of range", body: #"{"name":"x","buckets":[{"name":"b","max":0,"interval":60}]}"#,
            field: "buckets[0].max", problem: "must be between 1 and 1000000, got 0"),
        .init(
            label: "interval out of range",
            body: #"{"name":"x","buckets":[{"name":"b","max":1,"interval":31536001}]}"#,
            field: "buckets[0].interval", problem: "must be between 1 and 31536000, got 31536001"),
        .init(
            label: "unknown field", body: #"{"name":"x","colour":"red","buckets":[{"name":"b","max":1,"interval":6}]}"#,
            field: "colour", problem: "is not a known field"),
        .init(
            label: "three buckets",
            body:
                #"{"name":"x","buckets":[{"name":"a","max":1,"interval":6},{"name":"b","max":1,"interval":6},{"name":"c","max":1,"interval":6}]}"#,
            field: "buckets", problem: "must have 1 or 2 buckets, got 3"),
        .init(
            label: "duplicate bucket name",
            body: #"{"name":"x","buckets":[{"name":"a","max":1,"interval":6},{"name":"a","max":2,"interval":60}]}"#,
            field: "buckets[1].name", problem: "bucket name 'a' is used twice in this limit"),
        .init(
            label: "bad name", body: #"{"name":"has space","buckets":[{"name":"b","max":1,"interval":60}]}"#,
            field: "name", problem: "must be 1 to 64 characters of A-Z a-z 0-9 _ . -, got 'has space'"),
    ]

    @Test("400 with details naming the field", arguments: badBodies)
    func invalidLimitBody(_ bad: BadBody) async throws {
        try await withRunningEmulator { emulator in
            let http = RawHTTP(emulator)
            let response = try await http.send("POST", "/2fa/limits", body: bad.body)
            #expect(response.status == 400)
            #expect(response.json["code"] as? Int == 400)
            let details = try #require(response.json["details"] as? [[String: String]])
            #expect(details.contains { $0["field"] == bad.field && $0["problem"] == bad.problem }, "\(details)")
            let search = try await http.send("GET", "/2fa/limits/search")
            #expect(search.json["total"] as? Int == 0)
        }
    }

    @Test("every problem of a body is reported at once")
    func allProblemsAtOnce() async throws {
        try await withRunningEmulator { emulator in
            let body = #"{"name":"","buckets":[{"name":"b","max":0,"interval":0}],"extra":1}"#
            let response = try await RawHTTP(emulator).send("POST", "/2fa/limits", body: body)
            let details = try #require(response.json["details"] as? [[String: String]])
            #expect(Set(details.compactMap { $0["field"] }) == ["extra"])
            let second = try await RawHTTP(emulator).send(
                "POST", "/2fa/limits", body: #"{"name":"","buckets":[{"name":"b","max":0,"interval":0}]}"#
            )
            let fields = Set((second.json["details"] as? [[String: String]] ?? []).compactMap { $0["field"] })
            #expect(fields == ["name", "buckets[0].max", "buckets[0].interval"])
        }
    }

    struct EmptyFilter: Sendable, CustomTestStringConvertible {
        var method: String
        var path: String
        var body: String?
        var contentType: String = "application/x-www-form-urlencoded"
        var field: String
        var testDescription: String { "\(method) \(path) \(body ?? "")" }
    }

    static let emptyFilters: [EmptyFilter] = [
        .init(method: "GET", path: "/2fa/limits/search?accountSid=", field: "accountSid"),
        .init(method: "GET", path: "/2fa/limits/search?name=", field: "name"),
        .init(method: "GET", path: "/2fa/workflows/search?accountSid=&page=0", field: "accountSid"),
        .init(method: "GET", path: "/2fa/search?accountSid=", field: "accountSid"),
        .init(method: "GET", path: "/2fa/search?startDate=", field: "startDate"),
        .init(method: "POST", path: "/2fa/search", body: "accountSid=", field: "accountSid"),
        .init(method: "POST", path: "/2fa/search", body: "to=", field: "to"),
        .init(
            method: "POST", path: "/2fa/search", body: #"{"accountSid":""}"#, contentType: "application/json",
            field: "accountSid"),
        .init(method: "GET", path: "/2fa/usage/records?startDate=", field: "startDate"),
        .init(method: "GET", path: "/2fa/usage/records/daily?endDate=", field: "endDate"),
        .init(method: "POST", path: "/2fa/usage/records", body: "accountSid=", field: "accountSid"),
        .init(method: "GET", path: "/2fa/usage/records?channel=", field: "channel"),
        .init(method: "GET", path: "/_emulator/outbox?to=", field: "to"),
        .init(
            method: "POST", path: "/2fa/limits",
            body: "name=x&accountSid=&buckets[0][name]=b&buckets[0][max]=1&buckets[0][interval]=60",
            field: "accountSid"),
    ]

    @Test("an empty filter or accountSid is a 400 naming the field, not a search without it", arguments: emptyFilters)
    func emptyFilter(_ filter: EmptyFilter) async throws {
        try await withRunningEmulator { emulator in
            let response = try await RawHTTP(emulator).send(
                filter.method, filter.path, body: filter.body, contentType: filter.contentType)
            #expect(response.status == 400)
            #expect(response.json["code"] as? Int == 400)
            #expect(
                response.json["details"] as? [[String: String]] == [
                    ["field": filter.field, "problem": "must not be empty; leave it out instead"]
                ])
        }
    }

    @Test("malformed JSON is a 400 that says where")
    func malformedJSON() async throws {
        try await withRunningEmulator { emulator in
            let response = try await RawHTTP(emulator).send("POST", "/2fa/limits", body: #"{"name": "x",}"#)
            #expect(response.status == 400)
            #expect((response.json["message"] as? String)?.contains("Malformed JSON body") == true)
        }
    }

    @Test("form names nested 35,000 deep, by brackets or dots, are a 400 on POST, PUT and in the query")
    func deeplyNestedForm() async throws {
        try await withRunningEmulator { emulator in
            let http = RawHTTP(emulator)
            let created = try await http.send(
                "POST", "/2fa/limits", body: #"{"name":"x","buckets":[{"name":"b","max":1,"interval":60}]}"#)
            let sid = try #require((created.json["limit"] as? [String: Any])?["sid"] as? String)
            let form = "application/x-www-form-urlencoded"
            for name in ["a" + String(repeating: "[0]", count: 35_000), "a" + String(repeating: ".b", count: 35_000)] {
                for (method, path) in [("POST", "/2fa/limits"), ("PUT", "/2fa/limits/\(sid)"), ("POST", "/2fa/send")] {
                    let response = try await http.send(method, path, body: name + "=1", contentType: form)
                    #expect(response.status == 400, "\(method) \(path)")
                    #expect(response.json["code"] as? Int == 400)
                    let details = try #require(response.json["details"] as? [[String: String]])
                    #expect(details.map { $0["problem"] } == ["nested deeper than 64 levels"])
                    #expect(details.first?["field"]?.hasPrefix(String(name.prefix(20))) == true)
                    #expect(response.body.count < 1_000)
                }
                let query = try await http.send("GET", "/2fa/limits/search?" + name + "=1")
                #expect(query.status == 400)
            }
            // Still serving, and nothing changed.
            let read = try await http.send("GET", "/2fa/limits/\(sid)")
            #expect((read.json["limit"] as? [String: Any])?["name"] as? String == "x")
        }
    }

    @Test("an unsupported body type is a 415")
    func unsupportedType() async throws {
        try await withRunningEmulator { emulator in
            let response = try await RawHTTP(emulator).send(
                "POST", "/2fa/limits", body: "<limit/>", contentType: "application/xml"
            )
            #expect(response.status == 415)
            #expect(response.json["code"] as? Int == 415)
        }
    }

    @Test("a body over 1 MiB is a 413")
    func tooLarge() async throws {
        try await withRunningEmulator { emulator in
            let big = #"{"name":"x","description":""# + String(repeating: "a", count: 1 << 20) + #""}"#
            let response = try await RawHTTP(emulator).send("POST", "/2fa/limits", body: big)
            #expect(response.status == 413)
            #expect(response.json["code"] as? Int == 413)
        }
    }

    @Test("a known path with the wrong method is a 405 with Allow")
    func wrongMethod() async throws {
        try await withRunningEmulator { emulator in
            let http = RawHTTP(emulator)
            let response = try await http.send("GET", "/2fa/workflows/WF" + String(repeating: "0", count: 32))
            #expect(response.status == 405)
            #expect(response.headers["allow"] == "DELETE, PUT")
            let search = try await http.send("DELETE", "/2fa/limits/search/extra")
            #expect(search.status == 404)
            let patch = try await http.send("PATCH", "/2fa/limits", body: "{}")
            #expect(patch.status == 405)
            #expect(patch.headers["allow"] == "POST")
        }
    }

    @Test("an unknown sid is a 404 in the envelope")
    func unknownSid() async throws {
        try await withRunningEmulator { emulator in
            let sid = "LM" + String(repeating: "0", count: 32)
            let response = try await RawHTTP(emulator).send("GET", "/2fa/limits/\(sid)")
            #expect(response.status == 404)
            #expect(response.body == #"{"code":404,"message":"Limit \#(sid) not found"}"#)
        }
    }

    @Test("no credentials, a wrong key, or an unknown account is a 401 with the challenge")
    func unauthorized() async throws {
        try await withRunningEmulator { emulator in
            var wrongKey = TestAccounts.acme
            wrongKey.apiKey = "not-the-key"
            var unknown = TestAccounts.other
            unknown.sid = "AC" + String(repeating: "9", count: 32)
            for account in [nil, wrongKey, unknown] {
                let response = try await RawHTTP(emulator, account: account).send("GET", "/2fa/limits/search")
                #expect(response.status == 401)
                #expect(response.headers["www-authenticate"] == #"Basic realm="Mitto 2FA""#)
                #expect(!response.body.contains("not-the-key"))
            }
        }
    }

    @Test("a caller outside the allowlist is a 403")
    func ipAllowlist() async throws {
        try await withRunningEmulator { emulator in
            let response = try await RawHTTP(emulator, account: TestAccounts.walled).send("GET", "/2fa/limits/search")
            #expect(response.status == 403)
            #expect((response.json["message"] as? String)?.contains("127.0.0.1") == true)
        }
    }
}
