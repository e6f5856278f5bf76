import Foundation
import PolicyManifest
import PolicyModel
import PolicyRendering
import Testing

@Suite("Diagnostics as text")
struct DiagnosticTextRendererTests {
    static let key = "ZQXK-distinctive-key-4f9a2c7e1b8d"

    /// Writes `text` as a project file, loads it as the commands do, and renders what it reports.
    static func renderProject(_ text: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("render-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("mitto-policy.yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let (_, diagnostics, source) = ProjectFile.load(path: path)
        let rendered = DiagnosticTextRenderer().render(diagnostics, sources: [path: source])
        return rendered.replacingOccurrences(of: path, with: "mitto-policy.yaml")
    }

    @Test("the excerpt is the diagnostic's own line, in LF and CRLF files alike, and the last line without a newline")
    func excerptLines() {
        for newline in ["\n", "\r\n"] {
            let source = ["limits:", "  a:", "    buckets: []", "  b: {}"].joined(separator: newline)
            let diagnostics = [
                Diagnostic(.warning, code: "w", "second", at: SourceLocation(file: "p.yaml", line: 3, column: 5)),
                Diagnostic(.warning, code: "w", "last", at: SourceLocation(file: "p.yaml", line: 4, column: 3)),
            ]
            let rendered = DiagnosticTextRenderer().render(diagnostics, sources: ["p.yaml": source])
            #expect(
                rendered.contains("   3 |     buckets: []\n     |     ^\n"), "\(newline.debugDescription): \(rendered)")
            #expect(rendered.contains("   4 |   b: {}\n     |   ^\n"), "\(newline.debugDescription): \(rendered)")
            #expect(!rendered.contains("\r"))
        }
    }

    @Test("a literal key in the project file is refused, its line shown with the key masked under a true caret")
    func literalKey() throws {
        let rendered = try Self.renderProject(
            """
            manifests: [policy]
            environments:
              production:
                endpoint: https://cpaas.mittoapi.com
                accountSid: AC0123456789abcdef0123456789abcdef
                apiKey: \(Self.key)
            """
        )
        let stars = String(repeating: "*", count: Self.key.count)
        #expect(
            rendered == """
                mitto-policy.yaml:6:13: error: apiKey is written into the project file, where git would keep it \
                [secret-in-file]
                   6 |     apiKey: \(stars)
                     |             ^
                      = hint: use apiKey: ${env:MITTO_API_KEY}, or apiKeyFile: with a file only you can read

                """
        )
    }

    @Test("a key under a misspelt setting, or in a file that is not YAML, is masked too")
    func otherPlaces() throws {
        let misspelt = try Self.renderProject(
            "environments:\n  production:\n    endpoint: https://x\n    accountSid: ${env:A}\n    apiKye: \(Self.key)\n"
        )
        #expect(misspelt.contains("unknown key 'apiKye'"))
        #expect(misspelt.contains("   5 |     apiKye: ****"))
        #expect(!misspelt.contains("ZQXK"))
        let broken = try Self.renderProject("environments:\n  production:\n    apiKey: \(Self.key): x\n")
        #expect(broken.contains("mitto-policy.yaml:3:"))
        #expect(broken.contains("[yaml-syntax]"))
        #expect(broken.contains("   3 |     apiKey: ****"))
        #expect(!broken.contains("ZQXK"))
    }
}
