import HummingbirdTesting
import MittoEmulator
import MittoTestSupport
import Testing

/// The route table without sockets (Hummingbird's router test framework): what is decided before a caller is known.
@Suite("Routing without sockets")
struct RouterTests {
    static func makeEmulator() throws -> Emulator {
        try buildEmulator(configuration: EmulatorConfiguration(accounts: TestAccounts.all))
    }

    @Test("unknown paths are 404, known paths with the wrong method 405 with Allow, in the API's envelope")
    func notFoundAndMethod() async throws {
        try await Self.makeEmulator().application.test(.router) { client in
            try await client.execute(uri: "/2fa/nothing-here", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(String(buffer: response.body).hasPrefix(#"{"code":404,"#))
            }
            try await client.execute(uri: "/2fa/limits", method: .patch) { response in
                #expect(response.status == .methodNotAllowed)
                #expect(response.headers[.allow] == "POST")
            }
            try await client.execute(uri: "/2fa/send", method: .get) { response in
                #expect(response.status == .methodNotAllowed)
            }
        }
    }

    @Test("the OpenAPI document needs no credentials; everything else first needs an allowed address")
    func authentication() async throws {
        try await Self.makeEmulator().application.test(.router) { client in
            try await client.execute(uri: "/2fa/openapi.yaml", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).hasPrefix("openapi: 3.1.0"))
            }
            // Without a socket there is no peer address, which no allowlist admits.
            try await client.execute(uri: "/2fa/limits/search", method: .get) { response in
                #expect(response.status == .forbidden)
                #expect(
                    String(buffer: response.body)
                        == #"{"code":403,"message":"Requests from an unknown address are not allowed"}"#)
            }
        }
    }
}
