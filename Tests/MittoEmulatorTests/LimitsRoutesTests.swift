import Foundation
import MittoEmulator
import MittoTestSupport
import Testing

@Suite("Limits endpoints over HTTP")
struct LimitsRoutesTests {
    static let phoneLimit = """
        {"name":"limit_on_phone","description":"Caps OTPs per phone number",
         "buckets":[{"name":"burst","max":3,"interval":600},{"name":"daily","max":10,"interval":86400}]}
        """

    @Test("create answers the stored limit in the documented envelope")
    func create() async throws {
        try await withRunningEmulator { emulator in
            let http = RawHTTP(emulator)
            let created = try await http.send("POST", "/2fa/limits", body: Self.phoneLimit)
            #expect(created.status == 200)
            #expect(created.headers["content-type"]?.hasPrefix("application/json") == true)
            let envelope = created.json
            #expect(envelope["code"] as? Int == 200)
            #expect(envelope["message"] as? String == "OK")
            let limit = try #require(envelope["limit"] as? [String: Any])
            let sid = try #require(limit["sid"] as? String)
            #expect(sid.hasPrefix("LM") && sid.count == 34)
            #expect(limit["accountSid"] as? String == TestAccounts.acme.sid)
            #expect(limit["name"] as? String == "limit_on_phone")
            #expect(limit["uri"] as? String == "/2fa/limits/\(sid)")
            let buckets = try #require(limit["buckets"] as? [[String: Any]])
            #expect(buckets.count == 2)
            #expect(buckets[1]["interval"] as? Int == 86400)
            #expect((limit["dateCreated"] as? String)?.hasSuffix("Z") == true)
        }
    }

    @Test("read, replace, search and delete one limit")
    func lifecycle() async throws {
        try await withRunningEmulator { emulator in
            let http = RawHTTP(emulator)
            let created = try await http.send("POST", "/2fa/limits", body: Self.phoneLimit)
            let sid = try #require((created.json["limit"] as? [String: Any])?["sid"] as? String)

            let read = try await http.send("GET", "/2fa/limits/\(sid)")
            #expect(read.status == 200)
            #expect((read.json["limit"] as? [String: Any])?["name"] as? String == "limit_on_phone")

            let replaced = try await http.send(
                "PUT", "/2fa/limits/\(sid)",
                body: #"{"name":"limit_on_phone_v2","buckets":[{"name":"burst","max":5,"interval":60}]}"#
            )
            #expect(replaced.status == 200)
            let after = try #require(replaced.json["limit"] as? [String: Any])
            #expect(after["name"] as? String == "limit_on_phone_v2")
            #expect(after["description"] is NSNull)
            #expect((after["buckets"] as? [[String: Any]])?.count == 1)

            let search = try await http.send("GET", "/2fa/limits/search?name=limit_on_phone_v2")
            #expect(search.status == 200)
            #expect((search.json["limits"] as? [Any])?.count == 1)
            #expect(search.json["total"] as? Int == 1)

            let deleted = try await http.send("DELETE", "/2fa/limits/\(sid)")
            #expect(deleted.status == 200)
            #expect(deleted.body == #"{"code":200,"message":"OK"}"#)
            let gone = try await http.send("GET", "/2fa/limits/\(sid)")
            #expect(gone.status == 404)
            #expect(gone.json["code"] as? Int == 404)
        }
    }

    @Test("a duplicate name is a 409 and stores nothing")
    func duplicateName() async throws {
        try await withRunningEmulator { emulator in
            let http = RawHTTP(emulator)
            #expect(try await http.send("POST", "/2fa/limits", body: Self.phoneLimit).status == 200)
            let second = try await http.send("POST", "/2fa/limits", body: Self.phoneLimit)
            #expect(second.status == 409)
            #expect((second.json["message"] as? String)?.contains("limit_on_phone") == true)
            let search = try await http.send("GET", "/2fa/limits/search")
            #expect(search.json["total"] as? Int == 1)
        }
    }

    @Test("renaming onto another limit's name is a 409")
    func renameConflict() async throws {
        try await withRunningEmulator { emulator in
            let http = RawHTTP(emulator)
            _ = try await http.send("POST", "/2fa/limits", body: Self.phoneLimit)
            let other = try await http.send(
                "POST", "/2fa/limits", body: #"{"name":"limit_on_ip","buckets":[{"name":"b","max":1,"interval":60}]}"#
            )
            let sid = try #require((other.json["limit"] as? [String: Any])?["sid"] as? String)
            let rename = try await http.send(
                "PUT", "/2fa/limits/\(sid)",
                body: #"{"name":"limit_on_phone","buckets":[{"name":"b","max":1,"interval":60}]}"#
            )
            #expect(rename.status == 409)
            let read = try await http.send("GET", "/2fa/limits/\(sid)")
            #expect((read.json["limit"] as? [String: Any])?["name"] as? String == "limit_on_ip")
        }
    }

    @Test("paging walks every limit once, with nextPageUri null on the last page")
    func paging() async throws {
        try await withRunningEmulator { emulator in
            let http = RawHTTP(emulator)
            for index in 0..<7 {
                let body = #"{"name":"limit_\#(index)","buckets":[{"name":"b","max":1,"interval":60}]}"#
                #expect(try await http.send("POST", "/2fa/limits", body: body).status == 200)
            }
            var names: [String] = []
            var path: String? = "/2fa/limits/search?pageSize=3"
            var pages = 0
            while let next = path {
                let page = try await http.send("GET", next)
                #expect(page.status == 200)
                #expect(page.json["total"] as? Int == 7)
                #expect(page.json["numPages"] as? Int == 3)
                #expect(page.json["pageSize"] as? Int == 3)
                names += (page.json["limits"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
                path = page.json["nextPageUri"] as? String
                if path == nil { #expect(page.json["nextPageUri"] is NSNull) }
                pages += 1
            }
            #expect(pages == 3)
            #expect(names == (0..<7).map { "limit_\($0)" })
        }
    }

    @Test("a form-urlencoded body with capitalised keys creates the same limit")
    func formBody() async throws {
        try await withRunningEmulator { emulator in
            let http = RawHTTP(emulator)
            let form =
                "Name=form_limit&Description=from+a+form&Buckets[0][Name]=burst&Buckets[0][Max]=3"
                + "&Buckets[0][Interval]=600"
            let created = try await http.send(
                "POST", "/2fa/limits", body: form, contentType: "application/x-www-form-urlencoded"
            )
            #expect(created.status == 200)
            let limit = try #require(created.json["limit"] as? [String: Any])
            #expect(limit["description"] as? String == "from a form")
            let bucket = try #require((limit["buckets"] as? [[String: Any]])?.first)
            #expect(bucket["max"] as? Int == 3)
            #expect(bucket["interval"] as? Int == 600)
        }
    }
}
