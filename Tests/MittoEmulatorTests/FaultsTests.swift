import Foundation
import MittoEmulator
import MittoTestSupport
import Testing

@Suite("Injected faults: each belongs to the account that set it; only error statuses")
struct FaultsTests {
    static let search = "/2fa/limits/search"
    static func fault(status: Int = 503, times: Int = 1) -> String {
        #"{"method":"GET","path":"\#(search)","status":\#(status),"times":\#(times)}"#
    }

    @Test("a fault set by one account never fires on another's requests, nor a sub-account's on its parent's")
    func ownAccountOnly() async throws {
        try await withRunningEmulator { emulator throws in
            let acme = RawHTTP(emulator)
            let sub = RawHTTP(emulator, account: TestAccounts.acmeSub)
            let other = RawHTTP(emulator, account: TestAccounts.other)
            #expect(try await other.send("POST", "/_emulator/faults", body: Self.fault(times: 5)).status == 200)
            #expect(try await sub.send("POST", "/_emulator/faults", body: Self.fault(times: 5)).status == 200)
            for _ in 0..<3 {
                #expect(try await acme.send("GET", Self.search).status == 200)
            }
            // They fire on the requests of the accounts that set them.
            #expect(try await other.send("GET", Self.search).status == 503)
            #expect(try await sub.send("GET", Self.search).status == 503)
        }
    }

    @Test("clearing faults clears only the caller's own")
    func clearOwnOnly() async throws {
        try await withRunningEmulator { emulator throws in
            let acme = RawHTTP(emulator)
            let other = RawHTTP(emulator, account: TestAccounts.other)
            let sub = RawHTTP(emulator, account: TestAccounts.acmeSub)
            #expect(try await acme.send("POST", "/_emulator/faults", body: Self.fault(times: 3)).status == 200)
            #expect(try await other.send("DELETE", "/_emulator/faults").status == 200)
            #expect(try await sub.send("DELETE", "/_emulator/faults").status == 200)
            #expect(try await acme.send("GET", Self.search).status == 503)
            #expect(try await acme.send("DELETE", "/_emulator/faults").status == 200)
            #expect(try await acme.send("GET", Self.search).status == 200)
        }
    }

    @Test("a fault cannot name another account to fire on")
    func noAccountField() async throws {
        try await withRunningEmulator { emulator throws in
            let other = RawHTTP(emulator, account: TestAccounts.other)
            let body = #"{"path":"\#(Self.search)","status":503,"accountSid":"\#(TestAccounts.acme.sid)"}"#
            let response = try await other.send("POST", "/_emulator/faults", body: body)
            #expect(response.status == 400)
            #expect(
                response.json["details"] as? [[String: String]] == [
                    ["field": "accountSid", "problem": "is not a known field"]
                ])
            #expect(try await RawHTTP(emulator).send("GET", Self.search).status == 200)
        }
    }

    @Test(
        "only 4xx and 5xx statuses can be injected; others are a 400 naming status",
        arguments: [100, 101, 199, 200, 204, 302, 399, 600])
    func nonErrorStatus(_ status: Int) async throws {
        try await withRunningEmulator { emulator throws in
            let acme = RawHTTP(emulator)
            let response = try await acme.send("POST", "/_emulator/faults", body: Self.fault(status: status))
            #expect(response.status == 400)
            #expect(response.json["code"] as? Int == 400)
            #expect(
                response.json["details"] as? [[String: String]] == [
                    ["field": "status", "problem": "must be between 400 and 599, got \(status)"]
                ])
            #expect(try await acme.send("GET", Self.search).status == 200)
        }
    }

    @Test("the lowest and highest error statuses are injected")
    func errorStatuses() async throws {
        try await withRunningEmulator { emulator throws in
            let acme = RawHTTP(emulator)
            for status in [400, 599] {
                #expect(
                    try await acme.send("POST", "/_emulator/faults", body: Self.fault(status: status)).status == 200)
                #expect(try await acme.send("GET", Self.search).status == status)
            }
        }
    }

    @Test("every problem of a fault is a detail naming its field")
    func invalidFields() async throws {
        try await withRunningEmulator { emulator throws in
            let acme = RawHTTP(emulator)
            let body = #"{"path":"/x","status":700,"delay":-1,"retryAfter":-2,"times":0}"#
            let response = try await acme.send("POST", "/_emulator/faults", body: body)
            #expect(response.status == 400)
            let fields = (response.json["details"] as? [[String: String]] ?? []).compactMap { $0["field"] }
            #expect(fields == ["status", "delay", "retryAfter", "times"])
            let missing = try await acme.send("POST", "/_emulator/faults", body: #"{"status":500}"#)
            #expect(missing.json["details"] as? [[String: String]] == [["field": "path", "problem": "is required"]])
            let when = try await acme.send("POST", "/_emulator/faults", body: #"{"path":"/x","when":"later"}"#)
            #expect(
                when.json["details"] as? [[String: String]] == [
                    ["field": "when", "problem": "must be beforeHandling or afterHandling"]
                ])
        }
    }
}
