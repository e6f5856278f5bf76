import Foundation
import PolicyManifest
import PolicyModel
import Testing

@Suite("The project file: key sources, secrets masked in its text")
struct ProjectFileTests {
    static let key = "ZQXK-distinctive-key-4f9a2c7e1b8d"

    static func decode(_ text: String) -> (ProjectFile?, [Diagnostic]) {
        ProjectFile.decode(Array(text.utf8), path: "mitto-policy.yaml")
    }

    static func lines(_ text: String) -> [Substring] {
        text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    @Test("a literal apiKey is refused, and the text diagnostics show has it masked, column for column")
    func literalKey() throws {
        let text = """
            manifests: [policy]
            environments:
              production:
                endpoint: https://cpaas.mittoapi.com
                accountSid: AC0123456789abcdef0123456789abcdef
                apiKey: \(Self.key)
            """
        let (project, diagnostics) = Self.decode(text)
        #expect(project == nil)
        let diagnostic = try #require(diagnostics.first)
        #expect(diagnostics.map(\.code) == ["secret-in-file"])
        #expect(diagnostic.location == SourceLocation(file: "mitto-policy.yaml", line: 6, column: 13))
        let masked = ProjectFile.maskedSource(Array(text.utf8))
        #expect(!masked.contains(Self.key))
        #expect(!masked.contains("ZQXK"))
        let line = Self.lines(masked)[5]
        #expect(line == "    apiKey: " + String(repeating: "*", count: Self.key.count))
        #expect(Self.lines(masked).count == Self.lines(text).count)
        #expect(Self.lines(masked)[3] == "    endpoint: https://cpaas.mittoapi.com")
    }

    @Test("only exact ${env:NAME} references and other settings are shown as written")
    func referencesStay() {
        let text = """
            environments:
              production:
                endpoint: https://cpaas.mittoapi.com
                accountSid: ${env:MITTO_ACCOUNT_SID}
                apiKey: "${env:MITTO_API_KEY}"
                variables: {phone_burst: 3}
            safety: {maxDeletes: 5}
            """
        #expect(ProjectFile.maskedSource(Array(text.utf8)) == text)
    }

    struct Leak: Sendable, CustomStringConvertible {
        var name: String
        var text: String
        var description: String { name }
    }

    static let leaks: [Leak] = [
        Leak(name: "flow mapping", text: "environments: {p: {endpoint: http://x, apiKey: '\(key)'}}\n"),
        Leak(name: "misspelt key", text: "environments:\n  p:\n    apiKye: \(key)\n"),
        Leak(name: "snake case under variables", text: "environments:\n  p:\n    variables: {api_key: \(key)}\n"),
        Leak(name: "token under an unknown top key", text: "secrets:\n  token: \(key)\n"),
        Leak(name: "a list", text: "environments:\n  p:\n    apiKey: [\(key)]\n"),
        Leak(name: "block scalar", text: "environments:\n  p:\n    apiKey: |\n      \(key)\n    endpoint: http://x\n"),
        Leak(name: "duplicate key", text: "environments:\n  p:\n    apiKey: ${env:K}\n    apiKey: \(key)\n"),
        Leak(name: "alias", text: "environments:\n  p:\n    apiKey: &k \(key)\n  q:\n    apiKey: *k\n"),
        Leak(name: "not YAML", text: "environments:\n  p:\n    apiKey: \(key)\n\tendpoint: [\n"),
        Leak(name: "not YAML, quoted key", text: "environments:\n  p: {\"apiKey\": \(key), endpoint: http://x\n"),
    ]

    @Test("a key is masked wherever it is written", arguments: leaks)
    func masked(_ leak: Leak) {
        let masked = ProjectFile.maskedSource(Array(leak.text.utf8))
        #expect(!masked.contains("ZQXK"), "\(masked)")
        #expect(Self.lines(masked).count == Self.lines(leak.text).count)
        #expect(masked.unicodeScalars.count == leak.text.unicodeScalars.count)
    }
}
