import Foundation
import MittoClient
import MittoEmulator
import MittoTestSupport
import MittoWire
import PolicyModel
import Testing

@Suite("HTTPMittoAPI against a running emulator")
struct HTTPMittoAPITests {
    static let limit = Limit(
        name: "limit_on_phone", description: "Caps OTPs per phone number",
        buckets: [.init(name: "burst", max: 3, interval: 600), .init(name: "daily", max: 10, interval: 86_400)]
    )
    static let workflow = Workflow(
        name: "login", codeTtl: 600,
        steps: [
            Step(channel: .sms, timeout: 60, from: "ACME", body: "Your ACME code is {code}"),
            Step(channel: .call, timeout: 120, from: "+41445550000", body: "Your code is {code}", language: "en-US"),
        ]
    )

    @Test("limits: create, list, read, replace, delete")
    func limits() async throws {
        try await withRunningEmulator { emulator in
            try await withClient(emulator) { api in
                let created = try await api.createLimit(Self.limit)
                #expect(created.limit == Self.limit)
                #expect(try await api.listLimits().map(\.limit) == [Self.limit])
                #expect(try await api.limit(sid: created.sid) == created)
                var looser = Self.limit
                looser.buckets[0].max = 5
                let replaced = try await api.replaceLimit(sid: created.sid, with: looser)
                #expect(replaced.limit == looser)
                #expect(replaced.sid == created.sid)
                try await api.deleteLimit(sid: created.sid)
                #expect(try await api.listLimits().isEmpty)
            }
        }
    }

    @Test("workflows: create, list, read, replace, delete")
    func workflows() async throws {
        try await withRunningEmulator { emulator in
            try await withClient(emulator) { api in
                let created = try await api.createWorkflow(Self.workflow)
                #expect(created.workflow == Self.workflow)
                #expect(try await api.workflow(sid: created.sid).workflow == Self.workflow)
                var shorter = Self.workflow
                shorter.steps.removeLast()
                #expect(try await api.replaceWorkflow(sid: created.sid, with: shorter).workflow == shorter)
                #expect(try await api.listWorkflows().map(\.workflow) == [shorter])
                try await api.deleteWorkflow(sid: created.sid)
                #expect(try await api.listWorkflows().isEmpty)
            }
        }
    }

    @Test("a sub-account client acts on the sub-account only")
    func subAccount() async throws {
        try await withRunningEmulator { emulator in
            try await withClient(emulator, subAccountSid: TestAccounts.acmeSub.sid) { api in
                let created = try await api.createLimit(Self.limit)
                #expect(created.accountSid == TestAccounts.acmeSub.sid)
                #expect(try await api.listLimits().count == 1)
            }
            let parentLimits = try await withClient(emulator) { api in try await api.listLimits() }
            #expect(parentLimits.isEmpty)
        }
    }

    @Test("listing 2,500 limits reads every one in ceil(2500/1000) = 3 requests")
    func paging() async throws {
        try await withRunningEmulator { emulator in
            for index in 0..<2_500 {
                let sid = "LM" + String(format: "%032x", index)
                try await emulator.store.insert(
                    LimitResource(
                        sid: sid, accountSid: TestAccounts.acme.sid, name: "limit_\(index)", description: nil,
                        buckets: [.init(name: "b", max: 1, interval: 60)], dateCreated: "2026-11-28T10:00:00Z",
                        dateUpdated: "2026-11-28T10:00:00Z", uri: "/2fa/limits/\(sid)"
                    )
                )
            }
            try await withClient(emulator) { api in
                let all = try await api.listLimits()
                #expect(all.count == 2_500)
                #expect(Set(all.map(\.name)).count == 2_500)
                #expect(all.first?.name == "limit_0" && all.last?.name == "limit_2499")
            }
            let searches = await emulator.journal.all.filter { $0.path == "/2fa/limits/search" }
            #expect(searches.count == 3)
        }
    }

    @Test("API errors carry method, path, status, message and details")
    func apiError() async throws {
        try await withRunningEmulator { emulator in
            try await withClient(emulator) { api in
                _ = try await api.createLimit(Self.limit)
                let error = await #expect(throws: MittoAPIError.self) { try await api.createLimit(Self.limit) }
                #expect(error?.method == "POST")
                #expect(error?.path == "/2fa/limits")
                #expect(error?.status == 409)
                #expect(
                    error?.description
                        == "POST /2fa/limits: 409: A limit named 'limit_on_phone' already exists in this account")
                var invalid = Self.limit
                invalid.buckets[0].max = 0
                let invalidError = await #expect(throws: MittoAPIError.self) { try await api.createLimit(invalid) }
                #expect(
                    invalidError?.description.contains("buckets[0].max: must be between 1 and 1000000, got 0") == true)
            }
            // Refused requests are not retried.
            #expect(await emulator.journal.all.filter { $0.method == "POST" }.count == 3)
        }
    }

    @Test("a wrong key is a 401 whose error and description never show the key")
    func credentialsStaySecret() async throws {
        try await withRunningEmulator { emulator in
            var account = TestAccounts.acme
            account.apiKey = "super-secret-wrong-key"
            try await withClient(emulator, account: account) { api in
                let error = await #expect(throws: MittoAPIError.self) { try await api.listLimits() }
                #expect(error?.status == 401)
                #expect(error.map { String(describing: $0) }?.contains("super-secret") == false)
                #expect(error.map { String(reflecting: $0) }?.contains("super-secret") == false)
            }
            let credentials = TestAccounts.credentials(account)
            #expect(!String(describing: credentials).contains("super-secret"))
            #expect(!String(reflecting: credentials).contains("super-secret"))
            var dumped = ""
            dump(credentials, to: &dumped)
            #expect(!dumped.contains("super-secret"))
        }
    }
}
