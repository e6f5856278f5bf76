import Foundation
import MittoEmulator
import MittoTestSupport
import Testing

/// The emulator's side of the wire pinned with raw JSON, byte for byte, with a fixed clock and fixed ids (the client's
/// side is pinned in MittoWireTests), so a shared type cannot drift both ways at once.
@Suite("Emulator answers, pinned with raw JSON")
struct WireFormatPinTests {
    static let fixed = EmulatorEnvironment(
        now: { Date(timeIntervalSince1970: 1_795_860_000) }, randomHex: { "0b6e" + String(repeating: "0", count: 28) }
    )

    @Test("create limit, search page and delete, exactly as sent")
    func limitBodies() async throws {
        try await withRunningEmulator(environment: Self.fixed) { emulator in
            let http = RawHTTP(emulator)
            let created = try await http.send(
                "POST", "/2fa/limits",
                body: #"{"name":"limit_on_phone","description":"Caps OTPs per phone number","#
                    + #""buckets":[{"name":"burst","max":3,"interval":600}]}"#
            )
            #expect(
                created.body
                    == #"{"code":200,"limit":{"accountSid":"ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","#
                    + #""buckets":[{"interval":600,"max":3,"name":"burst"}],"#
                    + #""dateCreated":"2026-11-28T10:00:00Z","dateUpdated":"2026-11-28T10:00:00Z","#
                    + #""description":"Caps OTPs per phone number","name":"limit_on_phone","#
                    + #""sid":"LM0b6e0000000000000000000000000000","#
                    + #""uri":"/2fa/limits/LM0b6e0000000000000000000000000000"},"message":"OK"}"#
            )
            let page = try await http.send("GET", "/2fa/limits/search?pageSize=1")
            #expect(page.body.hasPrefix(#"{"code":200,"limits":[{"accountSid":"#))
            let pageTail = #""message":"OK","nextPageUri":null,"numPages":1,"page":0,"pageSize":1,"total":1}"#
            #expect(page.body.hasSuffix(pageTail))
            let deleted = try await http.send("DELETE", "/2fa/limits/LM0b6e0000000000000000000000000000")
            #expect(deleted.body == #"{"code":200,"message":"OK"}"#)
        }
    }

    @Test("a refused body: code, details and message")
    func errorBody() async throws {
        try await withRunningEmulator(environment: Self.fixed) { emulator in
            let response = try await RawHTTP(emulator).send("POST", "/2fa/limits", body: #"{"name":"x","buckets":[]}"#)
            #expect(
                response.body
                    == #"{"code":400,"details":[{"field":"buckets","problem":"must have 1 or 2 buckets, got 0"}],"#
                    + #""message":"Invalid request: 1 problem"}"#
            )
        }
    }
}
