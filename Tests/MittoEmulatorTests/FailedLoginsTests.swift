import Foundation
import MittoEmulator
import MittoTestSupport
import Testing

@Suite("Logging in: the allowlist before the key; failed logins limited per address")
struct FailedLoginsTests {
    static let search = "/2fa/limits/search"

    @Test("a caller outside an account's allowlist gets the same 403 with the right key, a wrong one, or none")
    func allowlistBeforeKey() async throws {
        try await withRunningEmulator { emulator in
            let walled = TestAccounts.walled
            var answers: [String] = []
            for account in [walled, walled.withKey("wrong-key"), walled.withKey("")] {
                let response = try await RawHTTP(emulator, account: account).send("GET", Self.search)
                #expect(response.status == 403)
                #expect(response.headers["www-authenticate"] == nil)
                answers.append(response.body)
            }
            #expect(Set(answers).count == 1, "\(answers)")
        }
    }

    @Test("an address no account allows gets a 403 before any credentials are read")
    func addressAllowedNowhere() async throws {
        let accounts = [TestAccounts.walled]
        try await withRunningEmulator(accounts: accounts) { emulator in
            for account in [nil, TestAccounts.walled, TestAccounts.acme] {
                let response = try await RawHTTP(emulator, account: account).send("GET", Self.search)
                #expect(response.status == 403)
                #expect(response.body == #"{"code":403,"message":"Requests from 127.0.0.1 are not allowed"}"#)
            }
        }
    }

    @Test("after the configured failures an address gets 429 with Retry-After, right key included, until they age")
    func failuresAreLimited() async throws {
        let clock = SteppedClock()
        let configure: @Sendable (inout EmulatorConfiguration) -> Void = {
            $0.failedLoginLimit = FailedLoginLimit(maxFailures: 3, window: 60)
        }
        try await withRunningEmulator(environment: clock.environment, configure: configure) { emulator in
            let right = RawHTTP(emulator)
            let wrong = RawHTTP(emulator, account: TestAccounts.acme.withKey("guess"))
            let unknown = RawHTTP(
                emulator, account: Account(sid: "AC" + String(repeating: "9", count: 32), apiKey: "guess"))
            #expect(try await wrong.send("GET", Self.search).status == 401)
            clock.advance(by: 10)
            #expect(try await unknown.send("GET", Self.search).status == 401)
            // No credentials at all is not a guess.
            #expect(try await RawHTTP(emulator, account: nil).send("GET", Self.search).status == 401)
            #expect(try await right.send("GET", Self.search).status == 200)
            #expect(try await wrong.send("GET", Self.search).status == 401)
            for client in [wrong, right] {
                let refused = try await client.send("GET", Self.search)
                #expect(refused.status == 429)
                #expect(refused.headers["retry-after"] == "50")
                #expect(refused.json["code"] as? Int == 429)
                #expect(!refused.body.contains("guess"))
            }
            clock.advance(by: 50)
            #expect(try await right.send("GET", Self.search).status == 200)
            #expect(try await wrong.send("GET", Self.search).status == 401)
            #expect(try await wrong.send("GET", Self.search).headers["retry-after"] == "10")
        }
    }

    @Test("asking for an account that does not allow the address counts as a failed login, so sids cannot be probed")
    func sidProbing() async throws {
        let configure: @Sendable (inout EmulatorConfiguration) -> Void = {
            $0.failedLoginLimit = FailedLoginLimit(maxFailures: 3, window: 60)
        }
        try await withRunningEmulator(configure: configure) { emulator in
            let probe = RawHTTP(emulator, account: TestAccounts.walled.withKey("guess"))
            for _ in 0..<3 {
                let refused = try await probe.send("GET", Self.search)
                #expect(refused.status == 403)
                #expect(!refused.body.contains(TestAccounts.walled.sid))
            }
            #expect(try await probe.send("GET", Self.search).status == 429)
            #expect(try await RawHTTP(emulator).send("GET", Self.search).status == 429)
        }
    }

    @Test("the standard limit is ten failures a minute")
    func standard() {
        #expect(FailedLoginLimit.standard == FailedLoginLimit(maxFailures: 10, window: 60))
        #expect(FailedLoginLimit(maxFailures: 0, window: 60).problem != nil)
        #expect(FailedLoginLimit(maxFailures: 1, window: 0).problem != nil)
    }
}
