import Foundation
import MittoWire
import PolicyModel
import Testing

/// The list pages' fast reader must read every page exactly as `JSONDecoder` does, and refuse (so the client falls
/// back to `JSONDecoder`) whatever it does not expect.
@Suite("JSONPullReader")
struct JSONPullReaderTests {
    func pull<T: JSONPullDecodable>(_ type: T.Type, _ json: String) throws(JSONPullReader.Failure) -> T {
        let bytes = Array(json.utf8)
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(JSONPullReader.Failure) in try T.decode(json: buffer) }
        }
        return try result.get()
    }

    func foundation<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try WireCoding.makeDecoder().decode(type, from: Data(json.utf8))
    }

    static let limitPage = """
        {"code":200,"message":"OK","limits":[
          {"sid":"LM01","accountSid":"AC01","name":"limit_on_phone","description":"Caps \\"OTPs\\" per\\nphone \\u00e9\\ud83d\\ude00 \\/ é",
           "buckets":[{"name":"burst","max":3,"interval":600},{"interval":86400,"max":-10,"name":"daily","extra":[1,{"a":null}]}],
           "dateCreated":"2026-11-28T10:00:00Z","dateUpdated":"2026-11-28T10:00:00Z","uri":"/2fa/limits/LM01","unknown":1.5e3},
          {"sid":"LM02","accountSid":"AC01","name":"b","description":null,"buckets":[],
           "dateCreated":"d","dateUpdated":"d","uri":"u"},
          {"sid":"LM03","accountSid":"AC01","name":"c","buckets":[{"name":"x","max":0,"interval":9223372036854775807}],
           "dateCreated":"d","dateUpdated":"d","uri":"u","flag":true,"other":false}
        ],"page":0,"pageSize":1000,"total":3,"numPages":1,"nextPageUri":null}
        """

    static let workflowPage = """
        { "code" : 200 , "message" : "OK" , "workflows" : [ {"sid":"WF41","accountSid":"AC01","name":"login",
         "description":null,"codeLength":6,"codeTtl":600,"maxAttempts":5,
         "steps":[{"channel":"sms","timeout":60,"from":"ACME","body":"Your ACME code is {code}"},
                  {"channel":"call","timeout":120,"from":"+41445550000","body":"Code {code}","language":"en-US",
                   "voice":"woman","repeat":2},
                  {"channel":"email","timeout":300,"body":"{code}","emailFrom":"a@b.example","subject":"Code",
                   "voice":null,"repeat":null,"language":null}],
         "dateCreated":"2026-11-28T10:00:00Z","dateUpdated":"2026-11-28T10:00:00Z","uri":"/2fa/workflows/WF41"} ],
         "page":3,"pageSize":1,"total":9,"numPages":9,"nextPageUri":"/2fa/workflows/search?page=4&pageSize=1"}
        """

    @Test("a limit page reads as JSONDecoder reads it: escapes, nulls, missing optionals, unknown fields")
    func limitPage() throws {
        let fast = try pull(SearchPage<LimitResource>.self, Self.limitPage)
        #expect(fast == (try foundation(SearchPage<LimitResource>.self, Self.limitPage)))
        #expect(fast.items.map(\.description) == ["Caps \"OTPs\" per\nphone é😀 / é", nil, nil])
        #expect(fast.items[0].buckets[1] == Bucket(name: "daily", max: -10, interval: 86400))
        #expect(fast.items[2].buckets[0].interval == Int.max)
    }

    @Test("a workflow page reads as JSONDecoder reads it, every step field")
    func workflowPage() throws {
        let fast = try pull(SearchPage<WorkflowResource>.self, Self.workflowPage)
        #expect(fast == (try foundation(SearchPage<WorkflowResource>.self, Self.workflowPage)))
        #expect(fast.items[0].steps[1].voice == .woman)
        #expect(fast.nextPageUri == "/2fa/workflows/search?page=4&pageSize=1")
    }

    @Test("single-object answers read as JSONDecoder reads them")
    func envelopes() throws {
        let limit =
            #"{"code":201,"message":"Created","limit":{"sid":"LM01","accountSid":"AC01","name":"a","#
            + #""buckets":[{"name":"b","max":1,"interval":60}],"dateCreated":"d","dateUpdated":"d","uri":"u"}}"#
        #expect(try pull(LimitEnvelope.self, limit) == (try foundation(LimitEnvelope.self, limit)))
        let workflow =
            #"{"message":"OK","workflow":{"sid":"WF01","accountSid":"AC01","name":"w","codeLength":6,"#
            + #""codeTtl":600,"maxAttempts":5,"steps":[],"dateCreated":"d","dateUpdated":"d","uri":"u"},"code":200}"#
        #expect(try pull(WorkflowEnvelope.self, workflow) == (try foundation(WorkflowEnvelope.self, workflow)))
        #expect(throws: JSONPullReader.Failure.self) { try pull(LimitEnvelope.self, #"{"code":200,"message":"OK"}"#) }
    }

    @Test(
        "what the reader does not expect fails, and JSONDecoder then decides",
        arguments: [
            // Missing required fields, at each level.
            #"{"code":200,"message":"OK","limits":[],"page":0,"pageSize":1,"total":0}"#,
            #"{"code":200,"message":"OK","limits":[{"sid":"L","accountSid":"A","name":"n","buckets":[],"dateCreated":"d","dateUpdated":"d"}],"page":0,"pageSize":1,"total":1,"numPages":1}"#,
            #"{"code":200,"message":"OK","limits":[{"sid":"L","accountSid":"A","name":"n","buckets":[{"name":"b","max":1}],"dateCreated":"d","dateUpdated":"d","uri":"u"}],"page":0,"pageSize":1,"total":1,"numPages":1}"#,
            // Wrong types and number forms an integer field does not take here.
            #"{"code":"200","message":"OK","limits":[],"page":0,"pageSize":1,"total":0,"numPages":0}"#,
            #"{"code":200,"message":"OK","limits":[],"page":0.0,"pageSize":1,"total":0,"numPages":0}"#,
            #"{"code":200,"message":"OK","limits":[],"page":1e0,"pageSize":1,"total":0,"numPages":0}"#,
            #"{"code":200,"message":"OK","limits":[],"page":01,"pageSize":1,"total":0,"numPages":0}"#,
            #"{"code":200,"message":"OK","limits":[],"page":99999999999999999999,"pageSize":1,"total":0,"numPages":0}"#,
            // Broken JSON.
            #"{"code":200,"message":"OK","limits":[],"page":0,"pageSize":1,"total":0,"numPages":0"#,
            #"{"code":200,"message":"OK","limits":[],"page":0,"pageSize":1,"total":0,"numPages":0} x"#,
            #"{"code":200,"message":"O\K","limits":[],"page":0,"pageSize":1,"total":0,"numPages":0}"#,
            #"{"code":200,"message":"\ud800","limits":[],"page":0,"pageSize":1,"total":0,"numPages":0}"#,
            "{\"code\":200,\"message\":\"a\u{1}b\",\"limits\":[],\"page\":0,\"pageSize\":1,\"total\":0,\"numPages\":0}",
            #"{"code":200,"message":"OK","limits":[,],"page":0,"pageSize":1,"total":0,"numPages":0}"#,
            #"{"code":200,"message":"OK","limits":[],"page":0,"pageSize":1,"total":0,"numPages":0,"x":tru}"#,
        ]
    )
    func refusals(json: String) throws {
        #expect(throws: JSONPullReader.Failure.self) { try pull(SearchPage<LimitResource>.self, json) }
    }

    @Test("an unknown channel or voice fails, as JSONDecoder fails")
    func unknownEnumValues() throws {
        for (field, bad) in [(#""channel":"sms""#, #""channel":"fax""#), (#""voice":"woman""#, #""voice":"robot""#)] {
            let json = Self.workflowPage.replacingOccurrences(of: field, with: bad)
            #expect(throws: JSONPullReader.Failure.self) { try pull(SearchPage<WorkflowResource>.self, json) }
            #expect(throws: (any Error).self) { try foundation(SearchPage<WorkflowResource>.self, json) }
        }
    }
}
