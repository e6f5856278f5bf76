import Testing
import YAMLNodes

/// Emits `node`, parses the output back and returns both.
func roundTrip(_ node: YAMLNode) throws -> (yaml: String, root: YAMLNode) {
    let yaml = try YAMLEmitter().emit(node)
    let documents = try YAMLParser.parse(yaml, fileName: "emitted.yaml")
    try #require(documents.count == 1)
    return (yaml, documents[0].root)
}

@Suite("YAMLEmitter")
struct YAMLEmitterTests {
    static let trickyStrings: [String] = [
        "true", "false", "True", "3", "-7", "+1", "1.5", "1e3", "0x1F", "0o17", ".inf", ".nan",
        "null", "Null", "~", "", " ", "yes", "no", "on", "off", "y", "n", "<<",
        "{code}", "{a: 1}", "[x, y]", "a: b", "key:", ":colon", "a:b", "it's", "\"quoted\"", "'single'",
        "line1\nline2", "trailing newline\n", "\n", "\n\nx", "x\n\n", "  leading spaces", "  indented\nblock",
        "trailing space ", "tab\there", "héllo ✓ 日本 🚀", "# comment", "a #b", "a# b", "- dash", "-", "? q",
        "*alias", "&anchor", "!tag", "%percent", "@at", "`tick", "|pipe", ">gt", "bell\u{7}", "nul\u{0}",
        "cr\rlf", "\r\n", "\u{FEFF}bom", "\u{85}nel", "---", "...", "--- x", "=", "1:30", "2001-12-14",
        "0777", "1_000", String(repeating: "long ", count: 100), "back\\slash", "percent %s",
    ]

    @Test(arguments: trickyStrings)
    func stringsRoundTripAsValuesAndKeys(text: String) throws {
        let string = YAMLNode(string: text)
        let tree: YAMLNode = ["value": string, string: "key", "list": [string]]
        let (yaml, root) = try roundTrip(tree)
        #expect(root == tree, "emitted:\n\(yaml)")
        #expect(root["value"]?.string == text, "emitted:\n\(yaml)")
        #expect(root["list"]?[0]?.string == text)
        #expect(root.mappingPairs?[1].key.string == text)
    }

    @Test func plainStringsStayPlain() throws {
        let yaml = try YAMLEmitter().emit(["name": "web", "path": "/var/lib/x", "greeting": "hello world"])
        #expect(yaml == "name: web\npath: /var/lib/x\ngreeting: hello world\n")
    }

    @Test(arguments: ["true", "3", "null", "", "1.5", "yes", "~", "0x10", "1:30", "1_000", "2001-12-14", "0b101"])
    func stringsThatLookLikeOtherTypesAreDoubleQuoted(text: String) throws {
        let yaml = try YAMLEmitter().emit(["v": YAMLNode(string: text)])
        #expect(yaml == "v: \"\(text)\"\n")
    }

    @Test func blockStyleDocumentInGivenOrder() throws {
        let tree: YAMLNode = [
            "name": "web",
            "port": 8080,
            "enabled": true,
            "ratio": 0.5,
            "tags": ["a", "b"],
            "limits": ["cpu": "2", "memory": "1Gi"],
            "nothing": nil,
            "version": "3",
            "empty": [],
            "none": [:],
        ]
        let expected = """
            name: web
            port: 8080
            enabled: true
            ratio: 0.5
            tags:
            - a
            - b
            limits:
              cpu: "2"
              memory: 1Gi
            nothing: null
            version: "3"
            empty: []
            none: {}

            """
        #expect(try YAMLEmitter().emit(tree) == expected)
    }

    @Test func indentationIsConfigurable() throws {
        let yaml = try YAMLEmitter(indent: 4).emit(["outer": ["inner": 1]])
        #expect(yaml == "outer:\n    inner: 1\n")
    }

    @Test func multiLineStringsUseLiteralBlocks() throws {
        let yaml = try YAMLEmitter().emit(["script": "echo one\necho two\n"])
        #expect(yaml == "script: |\n  echo one\n  echo two\n")
    }

    @Test func nonStringScalarsKeepTheirSpelling() throws {
        let parsed = try parseRoot("a: 0x1F\nb: ~\nc: TRUE\nd:\ne: -.inf\nf: 1.0e+3\n")
        let yaml = try YAMLEmitter().emit(parsed)
        #expect(yaml == "a: 0x1F\nb: ~\nc: TRUE\nd: null\ne: -.inf\nf: 1.0e+3\n")
    }

    @Test func parsedDocumentRoundTrips() throws {
        let source = """
            # Policy
            defaults: &defaults
              timeout: 30s
              retries: 3
              codes: ["001", 002, 0x3]
            services:
              - name: api
                settings: *defaults
                description: >
                  Folded text
                  over lines.
                script: |
                  set -e
                  run "{code}" --flag: value
              - {name: 'worker', enabled: no, weight: 1.5e2, owner: ~, "quoted key": "x"}
            ? [complex, key]
            : value
            unicode: "Grüße \\u263A \\t tab"
            """
        let parsed = try parseRoot(source)
        let (yaml, root) = try roundTrip(parsed)
        #expect(root == parsed, "emitted:\n\(yaml)")
        #expect(root["services"]?[1]?["enabled"]?.string == "no")
        #expect(root["unicode"]?.string == "Grüße ☺ \t tab")
    }

    @Test func multipleDocumentsRoundTrip() throws {
        let documents: [YAMLNode] = [["a": 1], "text", [1, 2], nil]
        let yaml = try YAMLEmitter().emit(documents: documents)
        let parsed = try YAMLParser.parse(yaml, fileName: "docs.yaml")
        #expect(parsed.map(\.root) == documents, "emitted:\n\(yaml)")
    }

    @Test func tagsAreWrittenWhenNeeded() throws {
        let tree: YAMLNode = [
            "custom": YAMLNode(.scalar("x", .plain), tag: "!custom"),
            "float": YAMLNode(.scalar("3", .plain), tag: "tag:yaml.org,2002:float"),
            "str": YAMLNode(.scalar("3", .plain), tag: "tag:yaml.org,2002:str"),
            "map": YAMLNode(.mapping([("k", "v")]), tag: "!thing"),
        ]
        let (yaml, root) = try roundTrip(tree)
        #expect(yaml == "custom: !custom x\nfloat: !!float 3\nstr: \"3\"\nmap: !thing\n  k: v\n")
        #expect(root == tree)
        #expect(root["float"]?.double == 3)
    }

    @Test func deepTreesAreEmittedWithoutRecursion() throws {
        var node: YAMLNode = "leaf"
        for _ in 0..<200 { node = ["k": node] }
        let (_, root) = try roundTrip(node)
        #expect(root == node)
    }

    @Test func duplicateKeysAreEmittedAsGiven() throws {
        let tree = YAMLNode(mapping: [("a", 1), ("a", 2)])
        let (yaml, root) = try roundTrip(tree)
        #expect(yaml == "a: 1\na: 2\n")
        #expect(root.duplicateKeys().count == 1)
    }

    @Test func invalidTagIsAnEmitterError() throws {
        let tree = YAMLNode(.scalar("x", .plain), tag: "")
        do {
            _ = try YAMLEmitter().emit(tree)
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .emitter)
            #expect(error.mark == nil)
            #expect(!error.description.isEmpty)
        }
    }

    @Test func noDocumentsGiveEmptyOutput() throws {
        #expect(try YAMLEmitter().emit(documents: []) == "")
    }
}
