import Foundation
import MittoWire
import PolicyModel
import Testing

/// The client's side of the wire pinned with raw JSON, as shared/API.md writes it: these literals change only when
/// the contract does (the emulator's side is pinned in MittoEmulatorTests).
@Suite("Wire bodies, pinned with raw JSON")
struct WireFormatTests {
    @Test("a limit response decodes field by field")
    func decodeLimit() throws {
        let json = """
            {"code":200,"message":"OK","limit":{"sid":"LM0b6e0000000000000000000000000000","accountSid":"ACae6e0000000000000000000000000000",
             "name":"limit_on_phone","description":"Caps OTPs per phone number",
             "buckets":[{"name":"burst","max":3,"interval":600},{"name":"daily","max":10,"interval":86400}],
             "dateCreated":"2026-11-28T10:00:00Z","dateUpdated":"2026-11-28T10:00:00Z",
             "uri":"/2fa/limits/LM0b6e0000000000000000000000000000"}}
            """
        let envelope = try WireCoding.makeDecoder().decode(LimitEnvelope.self, from: Data(json.utf8))
        #expect(
            envelope.limit.limit
                == Limit(
                    name: "limit_on_phone", description: "Caps OTPs per phone number",
                    buckets: [
                        .init(name: "burst", max: 3, interval: 600), .init(name: "daily", max: 10, interval: 86400),
                    ]
                ))
        #expect(envelope.limit.sid == "LM0b6e0000000000000000000000000000")
    }

    @Test("a workflow response decodes, optional step fields absent or present")
    func decodeWorkflow() throws {
        let json = """
            {"code":200,"message":"OK","workflow":{"sid":"WF41c2","accountSid":"ACae6e","name":"login",
             "description":null,"codeLength":6,"codeTtl":600,"maxAttempts":5,
             "steps":[{"channel":"sms","timeout":60,"from":"ACME","body":"Your ACME code is {code}"},
                      {"channel":"call","timeout":120,"from":"+41445550000","body":"Your code is {code}",
                       "language":"en-US","voice":"woman","repeat":2}],
             "dateCreated":"2026-11-28T10:00:00Z","dateUpdated":"2026-11-28T10:00:00Z","uri":"/2fa/workflows/WF41c2"}}
            """
        let workflow = try WireCoding.makeDecoder().decode(WorkflowEnvelope.self, from: Data(json.utf8)).workflow
            .workflow
        #expect(workflow.description == nil)
        #expect(workflow.steps[0] == Step(channel: .sms, timeout: 60, from: "ACME", body: "Your ACME code is {code}"))
        #expect(workflow.steps[1].voice == .woman)
        #expect(workflow.steps[1].repeat == 2)
    }

    @Test("request bodies encode exactly, sorted, without nulls for unset options")
    func encodeBodies() throws {
        let limit = Limit(name: "limit_on_phone", buckets: [.init(name: "burst", max: 3, interval: 600)])
        let limitJSON = String(decoding: try WireCoding.makeEncoder().encode(LimitBody(limit)), as: UTF8.self)
        #expect(limitJSON == #"{"buckets":[{"interval":600,"max":3,"name":"burst"}],"name":"limit_on_phone"}"#)
        let workflow = Workflow(name: "login", steps: [Step(channel: .sms, timeout: 60, body: "{code}")])
        let body = WorkflowBody(workflow, accountSid: "ACsub")
        let workflowJSON = String(decoding: try WireCoding.makeEncoder().encode(body), as: UTF8.self)
        #expect(
            workflowJSON
                == #"{"accountSid":"ACsub","codeLength":6,"codeTtl":600,"maxAttempts":5,"name":"login","steps":[{"body":"{code}","channel":"sms","timeout":60}]}"#
        )
    }

    @Test("a search page decodes its list under the kind's key, and a null nextPageUri")
    func decodePage() throws {
        let json =
            #"{"code":200,"message":"OK","workflows":[],"page":2,"pageSize":1000,"total":2000,"numPages":2,"nextPageUri":null}"#
        let page = try WireCoding.makeDecoder().decode(SearchPage<WorkflowResource>.self, from: Data(json.utf8))
        #expect(page.items.isEmpty)
        #expect(page.numPages == 2)
        #expect(page.nextPageUri == nil)
    }

    @Test("an error body decodes with its details")
    func decodeError() throws {
        let json =
            #"{"code":400,"message":"Invalid request","details":[{"field":"buckets[0].max","problem":"must be between 1 and 1000000, got 0"}]}"#
        let envelope = try WireCoding.makeDecoder().decode(StatusEnvelope.self, from: Data(json.utf8))
        #expect(
            envelope.details == [ErrorDetail(field: "buckets[0].max", problem: "must be between 1 and 1000000, got 0")])
    }
}
