import Foundation
import MittoEmulator
import MittoTestSupport
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite("JSON and XML response forms")
struct ResponseFormatTests {
    static let body =
        #"{"name":"limit_on_ip","buckets":[{"name":"burst","max":3,"interval":600},{"name":"daily","max":10,"interval":86400}]}"#

    @Test("a .json suffix gives JSON, a .xml suffix or Accept: application/xml gives XML")
    func negotiation() async throws {
        try await withRunningEmulator { emulator in
            let http = RawHTTP(emulator)
            _ = try await http.send("POST", "/2fa/limits", body: Self.body)
            let json = try await http.send("GET", "/2fa/limits/search.json", headers: ["Accept": "application/xml"])
            #expect(json.headers["content-type"]?.hasPrefix("application/json") == true)
            #expect(json.json["total"] as? Int == 1)
            for response in [
                try await http.send("GET", "/2fa/limits/search.xml"),
                try await http.send("GET", "/2fa/limits/search", headers: ["Accept": "application/xml"]),
            ] {
                #expect(response.status == 200)
                #expect(response.headers["content-type"]?.hasPrefix("application/xml") == true)
                let document = try XMLDocument(xmlString: response.body)
                let root = try #require(document.rootElement())
                #expect(root.name == "Response")
                #expect(try root.nodes(forXPath: "code").first?.stringValue == "200")
                #expect(try root.nodes(forXPath: "limits/Limit").count == 1)
                #expect(try root.nodes(forXPath: "limits/Limit/name").first?.stringValue == "limit_on_ip")
                #expect(try root.nodes(forXPath: "limits/Limit/buckets/Bucket").count == 2)
                #expect(try root.nodes(forXPath: "limits/Limit/buckets/Bucket/max").map(\.stringValue) == ["3", "10"])
            }
        }
    }

    @Test("errors come in XML too, and a create through a .json path works")
    func xmlErrors() async throws {
        try await withRunningEmulator { emulator in
            let http = RawHTTP(emulator)
            #expect(try await http.send("POST", "/2fa/limits.json", body: Self.body).status == 200)
            let response = try await http.send("POST", "/2fa/limits.xml", body: #"{"name":"x"}"#)
            #expect(response.status == 400)
            let root = try #require(try XMLDocument(xmlString: response.body).rootElement())
            #expect(try root.nodes(forXPath: "code").first?.stringValue == "400")
            #expect(try root.nodes(forXPath: "details/Detail/field").first?.stringValue == "buckets")
        }
    }

    @Test("the XML form pins element names and order")
    func xmlShape() async throws {
        try await withRunningEmulator { emulator in
            let response = try await RawHTTP(emulator).send(
                "GET", "/2fa/limits/LM" + String(repeating: "0", count: 32) + ".xml"
            )
            #expect(
                response.body == """
                    <?xml version="1.0" encoding="UTF-8"?>
                    <Response><code>404</code><message>Limit LM00000000000000000000000000000000 not found</message></Response>

                    """
            )
        }
    }
}
