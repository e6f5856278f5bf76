import Foundation
import MittoEmulator
import MittoTestSupport
import MittoWire
import PolicyModel
import Testing

@Suite("Conditional writes: If-Match on PUT and DELETE, ETag on answers")
struct ConditionalWritesTests {
    /// One policy kind's paths and bodies, so limits and workflows run the same checks.
    struct Kind: Sendable, CustomTestStringConvertible {
        var noun: String
        var collection: String
        var readPrefix: String
        var envelopeKey: String
        /// A create body and two different replacements.
        var bodies: [String]
        /// The policy fingerprint of the object in a single-object answer.
        var fingerprint: @Sendable (String) throws -> String
        var testDescription: String { noun }

        func read(_ sid: String) -> String { readPrefix + sid }
        func item(_ sid: String) -> String { collection + "/" + sid }
    }

    static let limit = Kind(
        noun: "Limit", collection: "/2fa/limits", readPrefix: "/2fa/limits/", envelopeKey: "limit",
        bodies: (3...5).map { #"{"name":"limit_on_phone","buckets":[{"name":"burst","max":\#($0),"interval":600}]}"# },
        fingerprint: { try JSONDecoder().decode(LimitEnvelope.self, from: Data($0.utf8)).limit.limit.fingerprint }
    )
    static let workflow = Kind(
        noun: "Workflow", collection: "/2fa/workflows", readPrefix: "/2fa/workflows/search/",
        envelopeKey: "workflow",
        bodies: (3...5).map {
            #"{"name":"login","maxAttempts":\#($0),"steps":[{"channel":"sms","timeout":60,"body":"Code {code}"}]}"#
        },
        fingerprint: {
            try JSONDecoder().decode(WorkflowEnvelope.self, from: Data($0.utf8)).workflow.workflow.fingerprint
        }
    )
    static let kinds = [limit, workflow]

    /// Creates the kind's first object and answers its sid and ETag.
    static func create(_ kind: Kind, _ http: RawHTTP) async throws -> (sid: String, etag: String) {
        let created = try await http.send("POST", kind.collection, body: kind.bodies[0])
        #expect(created.status == 200, "\(created.body)")
        let sid = try #require((created.json[kind.envelopeKey] as? [String: Any])?["sid"] as? String)
        return (sid, try #require(created.headers["etag"]))
    }

    @Test("POST, GET and PUT answer an ETag that is the object's policy fingerprint in quotes", arguments: kinds)
    func etag(_ kind: Kind) async throws {
        try await withRunningEmulator { emulator in
            let http = RawHTTP(emulator)
            let created = try await http.send("POST", kind.collection, body: kind.bodies[0])
            let sid = try #require((created.json[kind.envelopeKey] as? [String: Any])?["sid"] as? String)
            #expect(created.headers["etag"] == "\"\(try kind.fingerprint(created.body))\"")

            let read = try await http.send("GET", kind.read(sid))
            #expect(read.headers["etag"] == created.headers["etag"])

            let replaced = try await http.send("PUT", kind.item(sid), body: kind.bodies[1])
            #expect(replaced.status == 200)
            #expect(replaced.headers["etag"] == "\"\(try kind.fingerprint(replaced.body))\"")
            #expect(replaced.headers["etag"] != created.headers["etag"])
            #expect(try await http.send("GET", kind.read(sid)).headers["etag"] == replaced.headers["etag"])

            let search = try await http.send("GET", kind.collection + "/search")
            #expect(search.headers["etag"] == nil, "a page has no single fingerprint")
        }
    }

    @Test("a PUT whose If-Match is the current ETag is written; DELETE likewise", arguments: kinds)
    func matchWrites(_ kind: Kind) async throws {
        try await withRunningEmulator { emulator in
            let http = RawHTTP(emulator)
            let (sid, etag) = try await Self.create(kind, http)
            let replaced = try await http.send(
                "PUT", kind.item(sid), body: kind.bodies[1], headers: ["If-Match": etag]
            )
            #expect(replaced.status == 200, "\(replaced.body)")
            let read = try await http.send("GET", kind.read(sid))
            #expect(try kind.fingerprint(read.body) == (try kind.fingerprint(replaced.body)))

            let newTag = try #require(replaced.headers["etag"])
            // A list of tags matches when any of them does.
            let deleted = try await http.send(
                "DELETE", kind.item(sid), headers: ["If-Match": "\"0000000000000000\", \(newTag)"]
            )
            #expect(deleted.status == 200, "\(deleted.body)")
            #expect(try await http.send("GET", kind.read(sid)).status == 404)
        }
    }

    @Test("a PUT with a stale If-Match is a 412 in the API's envelope and changes nothing", arguments: kinds)
    func mismatchRefused(_ kind: Kind) async throws {
        try await withRunningEmulator { emulator in
            let http = RawHTTP(emulator)
            let (sid, stale) = try await Self.create(kind, http)
            let other = try await http.send("PUT", kind.item(sid), body: kind.bodies[1])
            let current = try #require(other.headers["etag"])
            let before = try await http.send("GET", kind.read(sid))

            let refused = try await http.send("PUT", kind.item(sid), body: kind.bodies[2], headers: ["If-Match": stale])
            #expect(refused.status == 412)
            #expect(refused.headers["etag"] == nil)
            #expect(refused.json["code"] as? Int == 412)
            #expect(
                refused.json["message"] as? String
                    == "\(kind.noun) \(sid) changed since it was read (If-Match \(stale) does not match \(current))"
            )
            let after = try await http.send("GET", kind.read(sid))
            #expect(after.body == before.body)
        }
    }

    @Test("a DELETE with a stale If-Match is a 412 and the object is still there", arguments: kinds)
    func staleDeleteRefused(_ kind: Kind) async throws {
        try await withRunningEmulator { emulator in
            let http = RawHTTP(emulator)
            let (sid, stale) = try await Self.create(kind, http)
            #expect(try await http.send("PUT", kind.item(sid), body: kind.bodies[1]).status == 200)
            let refused = try await http.send("DELETE", kind.item(sid), headers: ["If-Match": stale])
            #expect(refused.status == 412)
            #expect((refused.json["message"] as? String)?.hasPrefix("\(kind.noun) \(sid) changed since") == true)
            #expect(try await http.send("GET", kind.read(sid)).status == 200)
        }
    }

    @Test("If-Match: * means the object exists; without the header a write is unconditional", arguments: kinds)
    func wildcardAndAbsent(_ kind: Kind) async throws {
        try await withRunningEmulator { emulator in
            let http = RawHTTP(emulator)
            let (sid, _) = try await Self.create(kind, http)
            let star = try await http.send("PUT", kind.item(sid), body: kind.bodies[1], headers: ["If-Match": "*"])
            #expect(star.status == 200, "\(star.body)")
            #expect(try await http.send("PUT", kind.item(sid), body: kind.bodies[2]).status == 200)
            #expect(try await http.send("DELETE", kind.item(sid), headers: ["If-Match": "*"]).status == 200)
            let gone = try await http.send("PUT", kind.item(sid), body: kind.bodies[1], headers: ["If-Match": "*"])
            #expect(gone.status == 404)
        }
    }

    @Test("an If-Match that is neither * nor quoted tags is a 400 naming the header", arguments: kinds)
    func malformedRefused(_ kind: Kind) async throws {
        try await withRunningEmulator { emulator in
            let http = RawHTTP(emulator)
            let (sid, etag) = try await Self.create(kind, http)
            let bare = String(etag.dropFirst().dropLast())
            let refused = try await http.send("PUT", kind.item(sid), body: kind.bodies[1], headers: ["If-Match": bare])
            #expect(refused.status == 400)
            let details = try #require(refused.json["details"] as? [[String: Any]])
            #expect(details.first?["field"] as? String == "If-Match")
            #expect(try await http.send("GET", kind.read(sid)).headers["etag"] == etag)
        }
    }

    @Test("a weak tag never matches: If-Match compares strongly")
    func weakTagRefused() async throws {
        try await withRunningEmulator { emulator in
            let http = RawHTTP(emulator)
            let (sid, etag) = try await Self.create(Self.limit, http)
            let weak = try await http.send("DELETE", Self.limit.item(sid), headers: ["If-Match": "W/\(etag)"])
            #expect(weak.status == 412)
            #expect(try await http.send("GET", Self.limit.read(sid)).status == 200)
        }
    }

    @Test("two concurrent PUTs with the same If-Match: exactly one is written, the other is a 412", arguments: kinds)
    func concurrentReplaces(_ kind: Kind) async throws {
        try await withRunningEmulator { emulator in
            let http = RawHTTP(emulator)
            let (sid, _) = try await Self.create(kind, http)
            for round in 0..<20 {
                // Both racers differ from the starting body, so whichever wins changes the fingerprint.
                let reset = try await http.send("PUT", kind.item(sid), body: kind.bodies[0])
                let tag = try #require(reset.headers["etag"])
                let answers = try await withThrowingTaskGroup(of: RawResponse.self) { group in
                    for body in kind.bodies.dropFirst() {
                        group.addTask {
                            try await http.send("PUT", kind.item(sid), body: body, headers: ["If-Match": tag])
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(answers.map(\.status).sorted() == [200, 412], "round \(round)")
                let winner = try #require(answers.first { $0.status == 200 })
                let read = try await http.send("GET", kind.read(sid))
                #expect(read.headers["etag"] == winner.headers["etag"], "round \(round): the 412 changed nothing")
            }
        }
    }
}
