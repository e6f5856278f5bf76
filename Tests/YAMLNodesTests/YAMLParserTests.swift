import Testing
import YAMLNodes

/// Parses `text`, requiring exactly one document, and returns its root.
func parseRoot(_ text: String, limits: YAMLParser.Limits = .default) throws -> YAMLNode {
    let documents = try YAMLParser.parse(text, fileName: "test.yaml", limits: limits)
    try #require(documents.count == 1)
    return documents[0].root
}

/// The error thrown while parsing `bytes`, or `nil` if parsing succeeded.
func parseError(_ bytes: [UInt8], fileName: String = "", limits: YAMLParser.Limits = .default) -> YAMLError? {
    do {
        _ = try YAMLParser.parse(bytes, fileName: fileName, limits: limits)
        return nil
    } catch {
        return error
    }
}

/// The error thrown while parsing `text`, or `nil` if parsing succeeded.
func parseError(_ text: String, fileName: String = "", limits: YAMLParser.Limits = .default) -> YAMLError? {
    parseError(Array(text.utf8), fileName: fileName, limits: limits)
}

@Suite("YAMLParser: marks")
struct YAMLParserMarkTests {
    @Test func firstKeyIsAtLineOneColumnOne() throws {
        let root = try parseRoot("name: web\nport: 80\n")
        let first = try #require(root.mappingPairs?.first)
        #expect(first.key.start == YAMLMark(line: 1, column: 1, offset: 0))
        #expect(first.key.end == YAMLMark(line: 1, column: 5, offset: 4))
        #expect(root.start == YAMLMark(line: 1, column: 1, offset: 0))
    }

    @Test func nestedValueHasExactPosition() throws {
        let root = try parseRoot("server:\n  listen:\n    port: 8080\n  name: x\n")
        let port = try #require(root["server"]?["listen"]?["port"])
        #expect(port.int == 8080)
        #expect(port.start == YAMLMark(line: 3, column: 11, offset: 28))
        #expect(port.end == YAMLMark(line: 3, column: 15, offset: 32))
        let listen = try #require(root["server"]?["listen"])
        #expect(listen.start == YAMLMark(line: 3, column: 5, offset: 22))
        #expect(listen.end == port.end)
    }

    @Test func columnsCountCharactersAndOffsetsCountBytes() throws {
        let root = try parseRoot("é: ü\nb: 1\n")
        let pairs = try #require(root.mappingPairs)
        #expect(pairs[0].value.start == YAMLMark(line: 1, column: 4, offset: 4))
        #expect(pairs[1].key.start == YAMLMark(line: 2, column: 1, offset: 7))
    }

    @Test func crlfLineEndings() throws {
        let root = try parseRoot("a: 1\r\nb: c\r\n")
        let pairs = try #require(root.mappingPairs)
        #expect(pairs[1].key.start == YAMLMark(line: 2, column: 1, offset: 6))
        #expect(pairs[1].value.scalarValue == "c")
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let documents = try YAMLParser.parse([0xEF, 0xBB, 0xBF] + Array("a: 1\nb: 2\n".utf8), fileName: "bom.yaml")
        let root = try #require(documents.first?.root)
        let pairs = try #require(root.mappingPairs)
        #expect(pairs.map { $0.key.scalarValue } == ["a", "b"])
        #expect(pairs[0].key.start == YAMLMark(line: 1, column: 1, offset: 3))
    }

    @Test func sequenceItemMarks() throws {
        let root = try parseRoot("items:\n  - one\n  - two\n")
        let items = try #require(root["items"]?.sequenceItems)
        #expect(items[1].start == YAMLMark(line: 3, column: 5, offset: 19))
        #expect(root["items"]?.start == YAMLMark(line: 2, column: 3, offset: 9))
    }
}

@Suite("YAMLParser: structure")
struct YAMLParserStructureTests {
    @Test func mappingsKeepSourceOrder() throws {
        let root = try parseRoot("zeta: 1\nalpha: 2\nmid: 3\nbeta: 4\n")
        #expect(root.mappingPairs?.map { $0.key.scalarValue } == ["zeta", "alpha", "mid", "beta"])
        #expect(root["mid"]?.int == 3)
        #expect(root["missing"] == nil)
    }

    @Test func multipleDocuments() throws {
        let documents = try YAMLParser.parse("a: 1\n---\nb: 2\n--- plain\n---\n...\n", fileName: "multi.yaml")
        #expect(documents.count == 4)
        #expect(documents[0].root["a"]?.int == 1)
        #expect(documents[1].root["b"]?.int == 2)
        #expect(documents[1].start.line == 2)
        #expect(documents[2].root.string == "plain")
        #expect(documents[3].root.isNull)
    }

    @Test(arguments: ["", "# only a comment\n", "\n\n"])
    func emptyStreamHasNoDocuments(text: String) throws {
        #expect(try YAMLParser.parse(text, fileName: "empty.yaml").isEmpty)
    }

    @Test func bytesAndStringGiveTheSameTree() throws {
        let text = "list: [1, two, {three: 3}]\nblock: |\n  text\n"
        let fromString = try YAMLParser.parse(text, fileName: "a.yaml")
        let fromBytes = try YAMLParser.parse(Array(text.utf8), fileName: "a.yaml")
        #expect(fromString == fromBytes)
        #expect(fromString[0].root["block"]?.string == "text\n")
    }

    @Test func tagsAreReportedInFullForm() throws {
        let root = try parseRoot("a: !!str 3\nb: !custom x\nc: ! 4\n")
        #expect(root["a"]?.tag == "tag:yaml.org,2002:str")
        #expect(root["a"]?.string == "3")
        #expect(root["a"]?.int == nil)
        #expect(root["b"]?.tag == "!custom")
        #expect(root["c"]?.scalarType == .string)
    }

    @Test func largeMappingIsParsedInOrder() throws {
        let count = 10_000
        var text = ""
        for index in 0..<count { text += "key\(index): {value: \(index), name: \"n\(index)\"}\n" }
        let root = try parseRoot(text)
        let pairs = try #require(root.mappingPairs)
        #expect(pairs.count == count)
        #expect(pairs[9_999].key.scalarValue == "key9999")
        #expect(pairs[9_999].key.start.line == 10_000)
        #expect(pairs[1_234].value["value"]?.int == 1_234)
        #expect(root.duplicateKeys().isEmpty)
    }
}

@Suite("YAMLParser: scalars")
struct YAMLParserScalarTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var yaml: String
        var type: YAMLScalarType
        var style: YAMLScalarStyle
        var testDescription: String { yaml }
    }

    @Test(arguments: [
        Case(yaml: "v: 3", type: .int, style: .plain),
        Case(yaml: "v: \"3\"", type: .string, style: .doubleQuoted),
        Case(yaml: "v: '3'", type: .string, style: .singleQuoted),
        Case(yaml: "v: null", type: .null, style: .plain),
        Case(yaml: "v: ~", type: .null, style: .plain),
        Case(yaml: "v:", type: .null, style: .plain),
        Case(yaml: "v: \"null\"", type: .string, style: .doubleQuoted),
        Case(yaml: "v: ''", type: .string, style: .singleQuoted),
        Case(yaml: "v: true", type: .bool, style: .plain),
        Case(yaml: "v: \"true\"", type: .string, style: .doubleQuoted),
        Case(yaml: "v: yes", type: .string, style: .plain),
        Case(yaml: "v: 1.5", type: .float, style: .plain),
        Case(yaml: "v: 0x1F", type: .int, style: .plain),
        Case(yaml: "v: text", type: .string, style: .plain),
        Case(yaml: "v: !!str 3", type: .string, style: .plain),
        Case(yaml: "v: !!int \"3\"", type: .int, style: .doubleQuoted),
        Case(yaml: "v: |\n  3\n", type: .string, style: .literal),
        Case(yaml: "v: >\n  3\n", type: .string, style: .folded),
    ])
    func quotedAndPlainScalarsResolveDifferently(testCase: Case) throws {
        let value = try #require(try parseRoot(testCase.yaml)["v"])
        #expect(value.scalarType == testCase.type)
        #expect(value.scalarStyle == testCase.style)
    }

    @Test func typedReaders() throws {
        let root = try parseRoot(
            """
            count: 42
            negative: -7
            octal: 0o17
            hex: 0xff
            quoted: "42"
            big: 99999999999999999999
            flag: false
            shout: TRUE
            ratio: 2.5
            exp: 1e3
            inf: -.inf
            nothing: ~
            word: "null"
            text: hello world
            """)
        #expect(root["count"]?.int == 42)
        #expect(root["negative"]?.int == -7)
        #expect(root["octal"]?.int == 15)
        #expect(root["hex"]?.int == 255)
        #expect(root["quoted"]?.int == nil)
        #expect(root["quoted"]?.string == "42")
        #expect(root["big"]?.int == nil)
        #expect(root["big"]?.scalarType == .int)
        #expect(root["flag"]?.bool == false)
        #expect(root["shout"]?.bool == true)
        #expect(root["ratio"]?.double == 2.5)
        #expect(root["ratio"]?.int == nil)
        #expect(root["exp"]?.double == 1000)
        #expect(root["count"]?.double == 42)
        #expect(root["inf"]?.double == -.infinity)
        #expect(root["nothing"]?.isNull == true)
        #expect(root["nothing"]?.string == nil)
        #expect(root["word"]?.isNull == false)
        #expect(root["word"]?.string == "null")
        #expect(root["text"]?.string == "hello world")
        #expect(root["text"]?.bool == nil)
    }
}

@Suite("YAMLParser: errors")
struct YAMLParserErrorTests {
    @Test func syntaxErrorHasOneBasedLocation() throws {
        let error = try #require(parseError("ok: 1\nbad: b: c\n"))
        #expect(error.kind == .syntax)
        #expect(error.mark == YAMLMark(line: 2, column: 7, offset: 12))
        #expect(error.message == "mapping values are not allowed in this context")
        #expect(error.description == "line 2, column 7: mapping values are not allowed in this context")
    }

    @Test func descriptionIncludesFileNameAndContext() throws {
        let error = try #require(parseError("a: 1\nb: \"open\n", fileName: "config.yaml"))
        #expect(error.fileName == "config.yaml")
        #expect(error.context == "while scanning a quoted scalar")
        #expect(error.contextMark == YAMLMark(line: 2, column: 4, offset: 8))
        #expect(
            error.description
                == "config.yaml: line 3, column 1: found unexpected end of stream "
                + "(while scanning a quoted scalar at line 2, column 4)")
    }

    @Test func unclosedFlowMapping() throws {
        let error = try #require(parseError("{a: 1\n"))
        #expect(error.kind == .syntax)
        #expect(error.context == "while parsing a flow mapping")
        #expect(error.contextMark?.line == 1)
    }

    @Test func tabIndentationIsRejected() throws {
        let error = try #require(parseError("server:\n\tport: 80\n"))
        #expect(error.kind == .syntax)
        #expect(error.mark?.line == 2)
        #expect(error.mark?.column == 1)
        #expect(error.message.contains("tab"))
    }

    @Test func tabInsideBlockMappingIsRejected() throws {
        let error = try #require(parseError("a:\n  b: 1\n\tc: 2\n"))
        #expect(error.kind == .syntax)
        #expect(error.mark?.line == 3)
        #expect(error.message.contains("tab"))
    }

    @Test func invalidUTF8IsReportedAsSuch() throws {
        let error = try #require(parseError(Array("a: 1\nb: ".utf8) + [0xFF, 0x41, 0x0A]))
        #expect(error.kind == .invalidUTF8)
        #expect(error.message.contains("UTF-8"))
        #expect(error.description.contains("not valid UTF-8"))
        #expect(error.mark == YAMLMark(line: 2, column: 4, offset: 8))
    }

    @Test(arguments: [[0xC3] as [UInt8], [0xED, 0xA0, 0x80], [0xE2, 0x28, 0xA1], [0xC0, 0xAF]])
    func malformedSequencesAreInvalidUTF8(bytes: [UInt8]) throws {
        let error = try #require(parseError(Array("key: x".utf8) + bytes))
        #expect(error.kind == .invalidUTF8)
        #expect(error.mark?.line == 1)
    }

    @Test func utf16InputIsRefusedWithAHint() throws {
        let error = try #require(parseError([0xFF, 0xFE, 0x61, 0x00, 0x3A, 0x00]))
        #expect(error.kind == .invalidUTF8)
        #expect(error.message.contains("UTF-16"))
    }

    @Test func controlCharactersAreRefused() throws {
        let error = try #require(parseError("a: x\u{7}\n"))
        #expect(error.kind == .invalidCharacter)
        #expect(error.message.contains("U+0007"))
        #expect(error.mark == YAMLMark(line: 1, column: 5, offset: 4))
    }
}

@Suite("YAMLParser: aliases and limits")
struct YAMLParserLimitTests {
    @Test func aliasCopiesTheAnchoredNode() throws {
        let root = try parseRoot("base: &b {x: 1, y: [a, b]}\nother: *b\nscalar: &s hi\nagain: *s\n")
        let base = try #require(root["base"])
        #expect(root["other"] == base)
        #expect(root["other"]?.start == base.start)
        #expect(root["again"]?.string == "hi")
    }

    @Test func unknownAliasIsAnErrorWithItsMark() throws {
        let error = try #require(parseError("a: 1\nb: *missing\n"))
        #expect(error.kind == .unknownAlias)
        #expect(error.mark == YAMLMark(line: 2, column: 4, offset: 8))
        #expect(error.message.contains("*missing"))
    }

    @Test func aliasesDoNotCrossDocuments() throws {
        let error = try #require(parseError("a: &x 1\n---\nb: *x\n"))
        #expect(error.kind == .unknownAlias)
        #expect(error.mark?.line == 3)
    }

    @Test func recursiveAliasIsRefused() throws {
        let error = try #require(parseError("a: &loop [1, *loop]\n"))
        #expect(error.kind == .unknownAlias)
        #expect(error.message.contains("recursive"))
    }

    @Test func billionLaughsIsRefusedQuickly() throws {
        var text = "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1...9 {
            let aliases = Array(repeating: "*l\(level - 1)", count: 9).joined(separator: ", ")
            text += "l\(level): &l\(level) [\(aliases)]\n"
        }
        let clock = ContinuousClock()
        var error: YAMLError?
        let elapsed = clock.measure { error = parseError(text) }
        let thrown = try #require(error)
        #expect(thrown.kind == .aliasExpansionLimit)
        #expect(thrown.message.contains("alias bomb"))
        #expect(thrown.mark?.line == 7)
        #expect(elapsed < .seconds(5))
    }

    @Test func aliasExpansionLimitIsConfigurable() throws {
        let text = "a: &a [1, 2, 3]\nb: [*a, *a]\n"
        let limits = YAMLParser.Limits(maxAliasExpandedNodes: 8)
        #expect(try parseRoot(text, limits: limits)["b"]?.sequenceItems?.count == 2)
        let error = try #require(parseError(text, limits: YAMLParser.Limits(maxAliasExpandedNodes: 7)))
        #expect(error.kind == .aliasExpansionLimit)
        #expect(error.mark == YAMLMark(line: 2, column: 9, offset: 24))
    }

    @Test func deepFlowNestingIsRefused() throws {
        let error = try #require(parseError(String(repeating: "[", count: 100_000)))
        #expect(error.kind == .nestingDepthLimit)
        #expect(error.mark == YAMLMark(line: 1, column: 257, offset: 256))
    }

    @Test func deepBlockNestingIsRefused() throws {
        var text = ""
        for depth in 0..<300 { text += String(repeating: " ", count: depth) + "k\(depth):\n" }
        let error = try #require(parseError(text))
        #expect(error.kind == .nestingDepthLimit)
        #expect(error.mark?.line == 257)
    }

    @Test func nestingLimitIsConfigurable() throws {
        let limits = YAMLParser.Limits(maxNestingDepth: 3)
        #expect(try parseRoot("[[[x]]]", limits: limits).sequenceItems?.count == 1)
        let error = try #require(parseError("[[[[x]]]]", limits: limits))
        #expect(error.mark?.column == 4)
    }

    @Test func aliasesCannotExceedTheNestingLimit() throws {
        let limits = YAMLParser.Limits(maxNestingDepth: 4)
        let error = try #require(parseError("a: &deep [[[x]]]\nb: [*deep]\n", limits: limits))
        #expect(error.kind == .nestingDepthLimit)
        #expect(error.mark?.line == 2)
        #expect(try parseRoot("- &deep [[x]]\n- *deep\n", limits: limits).sequenceItems?.count == 2)
    }
}

@Suite("YAMLParser: duplicate keys")
struct YAMLParserDuplicateKeyTests {
    @Test func duplicatesAreKeptAndReported() throws {
        let root = try parseRoot("a: 1\nb: 2\na: 3\n")
        #expect(root.mappingPairs?.count == 3)
        #expect(root["a"]?.int == 1)
        let duplicates = root.duplicateKeys()
        #expect(duplicates.count == 1)
        #expect(duplicates.first?.scalarValue == "a")
        #expect(duplicates.first?.start == YAMLMark(line: 3, column: 1, offset: 10))
    }

    @Test func nestedDuplicatesAreFoundInDocumentOrder() throws {
        let root = try parseRoot("x:\n  k: 1\n  k: 2\ny: [{m: 1, m: 2}]\nx: again\n")
        #expect(root.duplicateKeys().map { $0.start.line } == [3, 4, 5])
    }

    @Test func keysCompareByValueNotSpelling() throws {
        #expect(try parseRoot("a: 1\n\"a\": 2\n").duplicateKeys().count == 1)
        #expect(try parseRoot("1: x\n\"1\": y\n").duplicateKeys().isEmpty)
        #expect(try parseRoot("0x10: x\n16: y\n").duplicateKeys().count == 1)
    }
}

@Suite("YAMLParser: streamed sections")
struct YAMLParserStreamingTests {
    /// Parses `text` streaming the root keys `sections`, returning the documents and each entry as
    /// (document, section, key, value as one line of YAML flow text).
    func stream(
        _ text: String, _ sections: Set<String>
    ) throws -> (documents: [YAMLDocument], entries: [(Int, String, String, YAMLNode)]) {
        var entries: [(Int, String, String, YAMLNode)] = []
        let documents = try YAMLParser.parse(Array(text.utf8), fileName: "s.yaml", streaming: sections) { entry in
            entries.append(
                (entry.document, entry.section.scalarValue ?? "?", entry.key.scalarValue ?? "?", entry.value))
        }
        return (documents, entries)
    }

    @Test func entriesComeInOrderAndTheDocumentKeepsTheirMappingEmpty() throws {
        let text = "limits:\n  a: {max: 1}\n  b:\n    max: 2\nother: {c: 3}\n"
        let (documents, entries) = try stream(text, ["limits"])
        #expect(entries.map { "\($0.0) \($0.1) \($0.2)" } == ["0 limits a", "0 limits b"])
        #expect(entries[0].3["max"]?.int == 1)
        #expect(entries[1].3["max"]?.int == 2)
        #expect(entries[1].3.start == YAMLMark(line: 4, column: 5, offset: 31))
        let root = try #require(documents.first?.root)
        let kept = try #require(root["limits"])
        #expect(kept.mappingPairs?.isEmpty == true)
        #expect(kept.start == YAMLMark(line: 2, column: 3, offset: 10))
        // A section not named, and nested mappings, stay in the tree.
        #expect(root["other"]?["c"]?.int == 3)
    }

    @Test func onlyMappingsUnderTheRootAreStreamed() throws {
        let text = "x:\n  limits: {a: 1}\nlimits: [1, 2]\n---\n- limits: {a: 1}\n---\nlimits: {a: 1}\n"
        let (documents, entries) = try stream(text, ["limits"])
        #expect(documents.count == 3)
        #expect(entries.map { "\($0.0) \($0.2)" } == ["2 a"])
        #expect(documents[0].root["x"]?["limits"]?["a"]?.int == 1)
        #expect(documents[0].root["limits"]?.sequenceItems?.count == 2)
        #expect(documents[1].root.sequenceItems?.first?["limits"]?["a"]?.int == 1)
    }

    @Test func repeatedKeysAndSectionsAreAllHandedOver() throws {
        let (documents, entries) = try stream("limits: {a: 1, a: 2}\nlimits: {b: 3}\n", ["limits"])
        #expect(entries.map { "\($0.2)=\($0.3.int ?? -1)" } == ["a=1", "a=2", "b=3"])
        // The root's own repeated key is still in the tree.
        #expect(documents[0].root.duplicateKeys().map { $0.start.line } == [2])
    }

    @Test func withoutAliasesACollectionValueComesAsItsEventsAndBuildsTheSameNode() throws {
        let text = "limits:\n  a: {max: 1, list: [x, y]}\n  b:\n    max: 2\n    list:\n      - x\n  c: 3\nnext: 1\n"
        let noAliases = YAMLParser.Limits(maxAliasExpandedNodes: 0, maxNestingDepth: 64, allowsAliases: false)
        var gathered: [YAMLParser.StreamedEntry] = []
        let documents = try YAMLParser.parse(text, limits: noAliases, streaming: ["limits"]) { gathered.append($0) }
        var built: [YAMLParser.StreamedEntry] = []
        let reference = try YAMLParser.parse(text, streaming: ["limits"]) { built.append($0) }
        #expect(gathered.map { $0.events?.count } == [9, 8, nil])
        #expect(built.allSatisfy { $0.events == nil })
        #expect(gathered.map(\.value) == built.map(\.value))
        #expect(gathered.map(\.value.start) == built.map(\.value.start))
        #expect(gathered.map(\.value.end) == built.map(\.value.end))
        #expect(gathered[1].value["list"]?.end.line == 6)
        #expect(documents == reference)
        #expect(documents.first?.root["limits"]?.end == reference.first?.root["limits"]?.end)
        // Nesting is still bounded inside a gathered value.
        let shallow = YAMLParser.Limits(maxAliasExpandedNodes: 0, maxNestingDepth: 3, allowsAliases: false)
        #expect(throws: YAMLError.self) {
            _ = try YAMLParser.parse("limits:\n  a: {b: [[1]]}\n", limits: shallow, streaming: ["limits"]) { _ in }
        }
    }

    @Test func aSyntaxErrorStillThrowsAfterEarlierEntries() throws {
        var seen: [String] = []
        #expect(throws: YAMLError.self) {
            _ = try YAMLParser.parse(Array("limits:\n  a: 1\n  b: [\n".utf8), streaming: ["limits"]) {
                seen.append($0.key.scalarValue ?? "?")
            }
        }
        #expect(seen == ["a"])
    }
}

@Suite("YAMLParser: parsing ahead on a second thread")
struct YAMLParserParsingAheadTests {
    /// A stream of three documents: many streamed entries in block and flow style, a section that is not streamed,
    /// an anchor and its alias, so the events span many batches.
    static let text: String = {
        var text = "limits:\n"
        for index in 0..<3000 {
            text += "  l\(index):\n    description: \"Limit \(index) \u{e9}\"\n    buckets:\n"
            text += "      - {name: burst, max: \(index % 7), interval: 10m}\n"
        }
        text += "other: &shared {a: [1, 2]}\ncopy: *shared\n---\nworkflows: {w1: {steps: []}, w2: null}\n---\n- plain\n"
        return text
    }()

    func stream(_ text: String, parsingAhead: Bool, limits: YAMLParser.Limits = .default) -> (
        documents: Result<[YAMLDocument], YAMLError>, entries: [String]
    ) {
        var entries: [String] = []
        let documents = Result { () throws(YAMLError) in
            try YAMLParser.parse(
                text, fileName: "s.yaml", limits: limits, streaming: ["limits", "workflows"],
                parsingAhead: parsingAhead
            ) { entry in
                entries.append(
                    "\(entry.document) \(entry.section.scalarValue ?? "?") \(entry.key.scalarValue ?? "?") "
                        + "\(entry.key.start) \(entry.value.end) \(entry.value.description)")
            }
        }
        return (documents, entries)
    }

    @Test func theSameEntriesAndDocumentsAsOnOneThread() throws {
        let ahead = stream(Self.text, parsingAhead: true)
        let alone = stream(Self.text, parsingAhead: false)
        #expect(ahead.entries.count == 3002)
        #expect(ahead.entries == alone.entries)
        let documents = try ahead.documents.get()
        #expect(documents == (try alone.documents.get()))
        #expect(documents.map(\.end) == (try alone.documents.get()).map(\.end))
        #expect(documents[0].root["copy"]?["a"]?[1]?.int == 2)
    }

    @Test func aSyntaxErrorIsThrownAfterTheEntriesBeforeIt() {
        let broken = Self.text.replacingOccurrences(of: "  l2500:\n", with: "  l2500: [\n")
        let ahead = stream(broken, parsingAhead: true)
        let alone = stream(broken, parsingAhead: false)
        #expect(ahead.entries.count == 2500)
        #expect(ahead.entries == alone.entries)
        #expect(throws: YAMLError.self) { try ahead.documents.get() }
        #expect(ahead.documents.failure == alone.documents.failure)
    }

    @Test func aBuilderErrorStopsTheReader() {
        // Aliases refused: the error comes from the building thread while the reader is far ahead, and must stop it.
        let limits = YAMLParser.Limits(maxAliasExpandedNodes: 0, maxNestingDepth: 64, allowsAliases: false)
        let early = "limits:\n  a: &x {max: 1}\n  b: *x\n" + Self.text.dropFirst("limits:\n".count)
        let ahead = stream(early, parsingAhead: true, limits: limits)
        let alone = stream(early, parsingAhead: false, limits: limits)
        #expect(ahead.entries == [#"0 limits a line 2, column 3 line 2, column 17 {"max": 1}"#])
        #expect(ahead.documents.failure?.kind == .aliasNotAllowed)
        #expect(ahead.documents.failure == alone.documents.failure)
    }
}

extension Result {
    fileprivate var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
