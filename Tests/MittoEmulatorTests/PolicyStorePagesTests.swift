import Foundation
import MittoEmulator
import MittoTestSupport
import MittoWire
import Testing

/// List pages of limits and workflows, served from the stored JSON with kept counts: every page holds exactly the
/// objects the account has in creation order, through inserts and deletes, and is what `SearchPage` encodes to.
@Suite("Policy list pages: the right objects on every page, after inserts and deletes")
struct PolicyStorePagesTests {
    static func sid(_ index: Int) -> String { "LM" + String(format: "%032x", index) }

    static func limit(_ index: Int, account: String = TestAccounts.acme.sid) -> LimitResource {
        LimitResource(
            sid: sid(index), accountSid: account, name: "limit_\(index)",
            description: index % 3 == 0 ? nil : "Limit \"\(index)\" / ä",
            buckets: [.init(name: "b", max: index % 50 + 1, interval: 60)], dateCreated: "2026-11-28T10:00:00Z",
            dateUpdated: "2026-11-28T10:00:00Z", uri: "/2fa/limits/\(sid(index))"
        )
    }

    /// Checks every page of `pageSize` against `expected` (names in creation order).
    static func checkPages(_ http: RawHTTP, pageSize: Int, expected: [String]) async throws {
        let numPages = (expected.count + pageSize - 1) / pageSize
        for page in 0...numPages {
            let response = try await http.send("GET", "/2fa/limits/search?page=\(page)&pageSize=\(pageSize)")
            #expect(response.status == 200)
            let decoded = try WireCoding.makeDecoder().decode(
                SearchPage<LimitResource>.self, from: Data(response.body.utf8))
            #expect(decoded.total == expected.count)
            #expect(decoded.numPages == numPages)
            #expect(decoded.page == page && decoded.pageSize == pageSize)
            #expect(decoded.items.map(\.name) == Array(expected.dropFirst(page * pageSize).prefix(pageSize)))
            let next = page + 1 < numPages ? "/2fa/limits/search?page=\(page + 1)&pageSize=\(pageSize)" : nil
            #expect(decoded.nextPageUri == next)
            // Byte for byte what the shared type encodes to.
            let encoded = try WireCoding.makeEncoder().encode(decoded)
            #expect(String(decoding: encoded, as: UTF8.self) == response.body, "page \(page)")
        }
    }

    @Test("pages of 1,000 and 333 over 2,345 limits, then after deletes and inserts; other accounts' stay apart")
    func pages() async throws {
        try await withRunningEmulator { emulator in
            let http = RawHTTP(emulator)
            // Another account's objects come between this one's, so blocks of rows hold both.
            for index in 0..<2_345 {
                try await emulator.store.insert(Self.limit(index))
                if index % 300 == 0 {
                    try await emulator.store.insert(Self.limit(5_000 + index, account: TestAccounts.other.sid))
                }
            }
            var expected = (0..<2_345).map { "limit_\($0)" }
            for pageSize in [1_000, 333] { try await Self.checkPages(http, pageSize: pageSize, expected: expected) }

            for index in stride(from: 0, to: 2_345, by: 137) {
                try await emulator.store.delete(.limit, sid: Self.sid(index))
                expected.removeAll { $0 == "limit_\(index)" }
            }
            for index in 3_000..<3_005 {
                try await emulator.store.insert(Self.limit(index))
                expected.append("limit_\(index)")
            }
            for pageSize in [1_000, 333, 1] where pageSize != 1 || expected.count < 3_000 {
                try await Self.checkPages(http, pageSize: pageSize, expected: expected)
            }
            let other = try await RawHTTP(emulator, account: TestAccounts.other).send(
                "GET", "/2fa/limits/search?pageSize=1000")
            #expect(other.json["total"] as? Int == 8)
        }
    }

    @Test("a name filter gives the one object or none; the XML page is made from the same JSON")
    func nameAndXML() async throws {
        try await withRunningEmulator { emulator in
            let http = RawHTTP(emulator)
            for index in 0..<40 { try await emulator.store.insert(Self.limit(index)) }
            let named = try await http.send("GET", "/2fa/limits/search?name=limit_7")
            #expect(named.json["total"] as? Int == 1)
            #expect((named.json["limits"] as? [[String: Any]])?.map { $0["sid"] as? String } == [Self.sid(7)])
            let later = try await http.send("GET", "/2fa/limits/search?name=limit_7&page=1")
            #expect(later.json["total"] as? Int == 1)
            #expect((later.json["limits"] as? [Any])?.isEmpty == true)
            let none = try await http.send("GET", "/2fa/limits/search?name=nope")
            #expect(none.json["total"] as? Int == 0 && none.json["numPages"] as? Int == 0)

            let xml = try await http.send("GET", "/2fa/limits/search.xml?pageSize=3&page=2")
            #expect(xml.headers["content-type"]?.hasPrefix("application/xml") == true)
            #expect(xml.body.components(separatedBy: "<Limit>").count - 1 == 3)
            #expect(xml.body.contains("<total>40</total>"))
            #expect(xml.body.contains("<name>limit_6</name>"))
            #expect(xml.body.contains("<nextPageUri>/2fa/limits/search?page=3"))
        }
    }

    @Test("workflow pages are served the same way")
    func workflows() async throws {
        try await withRunningEmulator { emulator in
            let http = RawHTTP(emulator)
            for index in 0..<12 {
                let body = """
                    {"name":"flow_\(index)","steps":[{"channel":"sms","timeout":60,"from":"ACME","body":"{code}"}]}
                    """
                #expect(try await http.send("POST", "/2fa/workflows", body: body).status == 200)
            }
            let response = try await http.send("GET", "/2fa/workflows/search?pageSize=5&page=2")
            let decoded = try WireCoding.makeDecoder().decode(
                SearchPage<WorkflowResource>.self, from: Data(response.body.utf8))
            #expect(decoded.items.map(\.workflow.name) == ["flow_10", "flow_11"])
            #expect(decoded.total == 12 && decoded.numPages == 3 && decoded.nextPageUri == nil)
            #expect(String(decoding: try WireCoding.makeEncoder().encode(decoded), as: UTF8.self) == response.body)
        }
    }
}
