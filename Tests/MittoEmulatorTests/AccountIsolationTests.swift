import Foundation
import MittoEmulator
import MittoTestSupport
import Testing

@Suite("Accounts see and change only their own objects and their sub-accounts'")
struct AccountIsolationTests {
    static let body = #"{"name":"shared_name","buckets":[{"name":"b","max":1,"interval":60}]}"#

    @Test("another account cannot read, replace or delete a limit, and its search does not show it")
    func otherAccount() async throws {
        try await withRunningEmulator { emulator in
            let acme = RawHTTP(emulator)
            let other = RawHTTP(emulator, account: TestAccounts.other)
            let created = try await acme.send("POST", "/2fa/limits", body: Self.body)
            let sid = try #require((created.json["limit"] as? [String: Any])?["sid"] as? String)
            #expect(try await other.send("GET", "/2fa/limits/\(sid)").status == 404)
            #expect(try await other.send("PUT", "/2fa/limits/\(sid)", body: Self.body).status == 404)
            #expect(try await other.send("DELETE", "/2fa/limits/\(sid)").status == 404)
            #expect(try await other.send("GET", "/2fa/limits/search").json["total"] as? Int == 0)
            #expect(try await other.send("POST", "/2fa/limits", body: Self.body).status == 200)
            #expect(try await acme.send("GET", "/2fa/limits/\(sid)").status == 200)
        }
    }

    @Test("a parent acts on its sub-account through accountSid; names are unique per account")
    func subAccount() async throws {
        try await withRunningEmulator { emulator in
            let acme = RawHTTP(emulator)
            let sub = RawHTTP(emulator, account: TestAccounts.acmeSub)
            let subSid = TestAccounts.acmeSub.sid
            let withAccount =
                #"{"name":"shared_name","accountSid":"\#(subSid)","buckets":[{"name":"b","max":1,"interval":60}]}"#
            #expect(try await acme.send("POST", "/2fa/limits", body: Self.body).status == 200)
            let created = try await acme.send("POST", "/2fa/limits", body: withAccount)
            #expect(created.status == 200)
            #expect((created.json["limit"] as? [String: Any])?["accountSid"] as? String == subSid)

            #expect(try await acme.send("GET", "/2fa/limits/search").json["total"] as? Int == 1)
            let subSearch = try await acme.send("GET", "/2fa/limits/search?accountSid=\(subSid)")
            #expect(subSearch.json["total"] as? Int == 1)
            #expect(try await sub.send("GET", "/2fa/limits/search").json["total"] as? Int == 1)

            let sid = try #require((created.json["limit"] as? [String: Any])?["sid"] as? String)
            #expect(try await sub.send("GET", "/2fa/limits/\(sid)").status == 200)
            #expect(try await acme.send("GET", "/2fa/limits/\(sid)").status == 200)
        }
    }

    @Test("naming an account that is not the caller's own or its sub-account is a 403")
    func foreignAccountSid() async throws {
        try await withRunningEmulator { emulator in
            let sub = RawHTTP(emulator, account: TestAccounts.acmeSub)
            let parentSid = TestAccounts.acme.sid
            let otherSid = TestAccounts.other.sid
            let bodyForOther =
                #"{"name":"x","accountSid":"\#(otherSid)","buckets":[{"name":"b","max":1,"interval":60}]}"#
            let createForOther = try await RawHTTP(emulator).send("POST", "/2fa/limits", body: bodyForOther)
            let subSearchesParent = try await sub.send("GET", "/2fa/limits/search?accountSid=\(parentSid)")
            let searchOther = try await RawHTTP(emulator).send("GET", "/2fa/limits/search?accountSid=\(otherSid)")
            #expect(createForOther.status == 403)
            #expect(subSearchesParent.status == 403)
            #expect(searchOther.status == 403)
        }
    }
}
