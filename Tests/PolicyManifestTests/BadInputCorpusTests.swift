import Foundation
import PolicyManifest
import PolicyModel
import Testing

@Suite("The bad-input corpus: each broken file gives exactly its expected diagnostics")
struct BadInputCorpusTests {
    static let manifests = CorpusCase.all(.manifest)
    static let projects = CorpusCase.all(.project)

    @Test("the corpus holds at least 40 cases, each expecting at least one error")
    func size() {
        let all = Self.manifests + Self.projects
        #expect(all.count >= 40)
        for corpusCase in all {
            #expect(!corpusCase.expected.isEmpty, "\(corpusCase) has no '# expect:' line")
        }
    }

    @Test("manifests", arguments: manifests)
    func manifest(_ corpusCase: CorpusCase) {
        let (found, diagnostics) = corpusCase.actual()
        #expect(
            found == corpusCase.expected,
            "\(diagnostics.map { "\($0.location.map(String.init(describing:)) ?? "-"): \($0.code): \($0.message)" })")
        #expect(diagnostics.hasErrors)
    }

    @Test("project files", arguments: projects)
    func project(_ corpusCase: CorpusCase) {
        let (found, diagnostics) = corpusCase.actual()
        #expect(
            found == corpusCase.expected,
            "\(diagnostics.map { "\($0.location.map(String.init(describing:)) ?? "-"): \($0.code): \($0.message)" })")
        #expect(diagnostics.hasErrors)
    }

    @Test("a 50 MB manifest is refused before it is parsed")
    func hugeFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("corpus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("huge.yaml").path
        var text = "limits:\n"
        let entry = "  limit_%07d:\n    buckets: [{name: b, max: 3, interval: 60}]\n"
        while text.utf8.count < 50 << 20 {
            for index in 0..<10_000 { text += String(format: entry, text.utf8.count + index) }
        }
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        let loaded = ManifestLoader.load(paths: [path], scope: VariableScope())
        #expect(loaded.diagnostics.map(\.code) == ["file-too-large"])
        #expect(loaded.manifests.limits.isEmpty)
    }

    @Test("nesting 100,000 levels deep is refused, not recursed into")
    func deepNesting() {
        let text = "limits: " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let loaded = ManifestLoader.decode([("deep.yaml", Array(text.utf8))], scope: VariableScope())
        #expect(loaded.diagnostics.map(\.code) == ["yaml-limit"])
    }
}
