import MittoEmulator
import Testing

@Suite("Reading JSON and form bodies, writing JSON and XML")
struct WireValueTests {
    @Test("JSON keeps key order and exact numbers")
    func jsonOrder() throws {
        let value = try WireValue.parseJSON(
            Array(#"{"b":1,"a":[true,null,"x\u00e9\n"],"n":12345678901234567890}"#.utf8))
        #expect(value.jsonText == #"{"b":1,"a":[true,null,"xé\n"],"n":12345678901234567890}"#)
    }

    @Test(
        "malformed JSON is refused with the byte offset",
        arguments: [
            (#"{"a":1,}"#, 7), (#"{"a" 1}"#, 5), ("[1,2", 4), (#"{"a":01}"#, 5), (#""\x""#, 3), ("{} extra", 3),
        ]
    )
    func malformed(text: String, offset: Int) {
        #expect(throws: JSONSyntaxError.self) { try WireValue.parseJSON(Array(text.utf8)) }
        do {
            _ = try WireValue.parseJSON(Array(text.utf8))
        } catch {
            #expect(error.offset == offset, "\(error)")
        }
    }

    @Test("invalid UTF-8 and deep nesting are refused")
    func hostile() {
        #expect(throws: JSONSyntaxError.self) { try WireValue.parseJSON([0x22, 0xFF, 0x22]) }
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONSyntaxError.self) { try WireValue.parseJSON(Array(deep.utf8)) }
    }

    @Test("form fields nest by brackets and dots and decode percent escapes")
    func form() throws {
        let value = try WireValue.parseForm("Name=a+b%2Fc&Buckets[1].max=10&Buckets[0][max]=3&Buckets[0][name]=x")
        #expect(value.jsonText == #"{"Name":"a b/c","Buckets":[{"max":"3","name":"x"},{"max":"10"}]}"#)
        #expect(throws: FormSyntaxError.self) { try WireValue.parseForm("a=1&a=2") }
        #expect(throws: FormSyntaxError.self) { try WireValue.parseForm("a=1&a[0]=2") }
        #expect(throws: FormSyntaxError.self) { try WireValue.parseForm("a[0=1") }
    }

    @Test("form names nest exactly as deep as JSON may, by brackets or by dots")
    func formDepth() throws {
        let deepest = WireValue.maxJSONDepth - 1
        // `{"a":[[…[1]…]]}` with the leaf at depth `levels`, and the form name that builds the same tree.
        func json(_ levels: Int) -> [UInt8] {
            Array(
                (#"{"a":"# + String(repeating: "[", count: levels - 1) + "1" + String(repeating: "]", count: levels - 1)
                    + "}").utf8)
        }
        func brackets(_ levels: Int) -> String { "a" + String(repeating: "[0]", count: levels - 1) + "=1" }
        func dots(_ levels: Int) -> String { "a" + String(repeating: ".0", count: levels - 1) + "=1" }
        #expect(try WireValue.parseForm(brackets(deepest)) == WireValue.parseJSON(json(deepest)).replacingNumbers)
        #expect(try WireValue.parseForm(dots(deepest)) == WireValue.parseForm(brackets(deepest)))
        #expect(throws: JSONSyntaxError.self) { try WireValue.parseJSON(json(deepest + 1)) }
        for text in [brackets(deepest + 1), dots(deepest + 1), brackets(35_000), dots(35_000)] {
            #expect(throws: FormSyntaxError(field: String(text.dropLast(2)), reason: "nested deeper than 64 levels")) {
                try WireValue.parseForm(text)
            }
        }
        let error = FormSyntaxError(field: String(brackets(35_000).dropLast(2)), reason: "x")
        #expect(error.description.count < 100)
    }

    @Test("a form of 1 MiB of distinct fields is read in linear time, not searched once per field")
    func manyFields() throws {
        let text = (0..<100_000).map { "field\($0)=1" }.joined(separator: "&")
        #expect(text.utf8.count > 1 << 20)
        let started = ContinuousClock.now
        let value = try WireValue.parseForm(text)
        // Linear takes well under a second even in a debug build; one search per field took minutes.
        #expect(ContinuousClock.now - started < .seconds(10))
        guard case .object(let pairs) = value else {
            Issue.record("a form is read as an object, got \(value.typeName)")
            return
        }
        #expect(pairs.count == 100_000)
        #expect(pairs.last?.key == "field99999")
    }

    @Test("XML: a Response root, lists as singular elements, null as an empty element, text escaped")
    func xml() throws {
        let value = try WireValue.parseJSON(
            Array(#"{"code":200,"limits":[{"name":"a<b","buckets":[{"max":1}]}],"nextPageUri":null}"#.utf8)
        )
        #expect(
            value.xmlDocument == """
                <?xml version="1.0" encoding="UTF-8"?>
                <Response><code>200</code><limits><Limit><name>a&lt;b</name><buckets><Bucket><max>1</max></Bucket>\
                </buckets></Limit></limits><nextPageUri/></Response>

                """
        )
    }
}

extension WireValue {
    /// The value with every number written as the string a form body would carry.
    fileprivate var replacingNumbers: WireValue {
        switch self {
        case .number(let text): .string(text)
        case .array(let items): .array(items.map(\.replacingNumbers))
        case .object(let pairs): .object(pairs.map { ($0.key, $0.value.replacingNumbers) })
        default: self
        }
    }
}
