import Testing
import YAMLNodes

@Suite("YAMLNode")
struct YAMLNodeTests {
    @Test func equalityIsSemantic() throws {
        let root = try parseRoot("a: 'abc'\nb: abc\nc: \"3\"\nd: 3\ne: 0x10\nf: 16\ng: null\nh: \"null\"\ni: ~\n")
        #expect(root["a"] == root["b"])
        #expect(root["c"] != root["d"])
        #expect(root["e"] == root["f"])
        #expect(root["g"] != root["h"])
        #expect(root["g"] == root["i"])
        #expect(Set([root["a"], root["b"], root["e"], root["f"]]).count == 2)
    }

    @Test func marksDoNotAffectEquality() throws {
        let first = try parseRoot("x: [1, 2]\n")
        let second = try parseRoot("\n\n   x:   [1,   2]\n")
        #expect(first == second)
        #expect(first.start != second.start)
    }

    @Test func mappingOrderMatters() {
        let ab: YAMLNode = ["a": 1, "b": 2]
        let ba: YAMLNode = ["b": 2, "a": 1]
        #expect(ab != ba)
    }

    @Test func literalsBuildTypedScalars() {
        let node: YAMLNode = ["s": "3", "i": 3, "d": 2.5, "b": false, "n": nil, "l": [1, "x"]]
        #expect(node["s"]?.string == "3")
        #expect(node["s"]?.int == nil)
        #expect(node["i"]?.int == 3)
        #expect(node["d"]?.double == 2.5)
        #expect(node["b"]?.bool == false)
        #expect(node["n"]?.isNull == true)
        #expect(node["l"]?[1]?.string == "x")
        #expect(node["l"]?[2] == nil)
        #expect(node.start == .unknown)
        #expect(!node.start.isKnown)
    }

    @Test func specialDoublesAreWrittenInYAMLSpelling() {
        #expect(YAMLNode(double: .infinity).scalarValue == ".inf")
        #expect(YAMLNode(double: -.infinity).scalarValue == "-.inf")
        #expect(YAMLNode(double: .nan).scalarValue == ".nan")
        #expect(YAMLNode(double: 1e-7).double == 1e-7)
    }

    @Test func accessorsReturnNilForOtherKinds() {
        let scalar: YAMLNode = "x"
        #expect(scalar.mappingPairs == nil)
        #expect(scalar.sequenceItems == nil)
        #expect(scalar["key"] == nil)
        #expect(scalar[0] == nil)
        let list: YAMLNode = [1]
        #expect(list.scalarValue == nil)
        #expect(list.scalarType == nil)
        #expect(list.isSequence && !list.isMapping && !list.isScalar)
    }

    @Test func subscriptMatchesKeyTextRegardlessOfQuoting() throws {
        let root = try parseRoot("80: http\n\"443\": https\n")
        #expect(root["80"]?.string == "http")
        #expect(root["443"]?.string == "https")
    }

    @Test func descriptionIsCompactFlowStyle() {
        let node: YAMLNode = ["name": "web", "ports": [80, 443], "debug": false, "none": nil]
        #expect(node.description == "{\"name\": \"web\", \"ports\": [80, 443], \"debug\": false, \"none\": null}")
    }

    @Test(arguments: [
        ("", YAMLScalarType.null), ("~", .null), ("NULL", .null), ("True", .bool), ("FALSE", .bool),
        ("tRUE", .string), ("0", .int), ("-12", .int), ("+12", .int), ("0o7", .int), ("0xFf", .int),
        ("0o8", .string), ("0x", .string), ("1.", .float), (".5", .float), ("-1.5e-3", .float), ("1e5", .float),
        ("+.INF", .float), (".NaN", .float), ("e5", .string), (".", .string), ("1.2.3", .string),
        ("yes", .string), ("12abc", .string),
    ])
    func plainScalarResolution(text: String, type: YAMLScalarType) {
        #expect(YAMLScalarType.resolvingPlain(text) == type)
    }

    @Test func floatSpellingsConvert() {
        #expect(YAMLNode(.scalar("1.", .plain)).double == 1)
        #expect(YAMLNode(.scalar(".5", .plain)).double == 0.5)
        #expect(YAMLNode(.scalar("1.e2", .plain)).double == 100)
        #expect(YAMLNode(.scalar(".nan", .plain)).double?.isNaN == true)
    }
}
