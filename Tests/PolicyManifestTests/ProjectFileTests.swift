import Foundation
import PolicyManifest
import PolicyModel
import Testing

@Suite("The project file: key sources, variables that read the environment, secrets masked in its text")
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

    @Test("a variable may read the environment; it is kept as a reference, read when the environment is used")
    func environmentVariable() throws {
        let text = """
            environments:
              local:
                variables: {window: "${env:MITTO_WINDOW}", burst: 3}
            """
        let (project, diagnostics) = Self.decode(text)
        #expect(diagnostics == [])
        let local = try #require(project?.environment("local"))
        #expect(local.variables == ["window": .environmentVariable("MITTO_WINDOW"), "burst": .int(3)])
        let scope = VariableScope(local, processEnvironment: ["MITTO_WINDOW": "10m", "MITTO_API_KEY": Self.key])
        #expect(scope.environment == ["MITTO_WINDOW": "10m"])
        #expect(scope.origin == "environment 'local'")
    }

    @Test("a variable reading the environment variable of any environment's key is refused at the variable")
    func variableReadsKey() {
        let text = """
            environments:
              local:
                variables:
                  leaked: ${env:MITTO_API_KEY}
              production:
                endpoint: https://cpaas.mittoapi.com
                accountSid: ${env:MITTO_API_KEY}
                apiKey: ${env:MITTO_API_KEY}
                variables: {window: "${env:MITTO_WINDOW}", also: "${env:MITTO_API_KEY}"}
            """
        let (project, diagnostics) = Self.decode(text)
        #expect(project == nil)
        #expect(diagnostics.map(\.code) == ["reads-api-key", "reads-api-key", "reads-api-key"])
        #expect(diagnostics.map { $0.location?.line } == [4, 7, 9])
        #expect(diagnostics.map { $0.location?.column } == [15, 17, 54])
        #expect(
            diagnostics.first?.message
                == "variable 'leaked' of environment 'local' reads MITTO_API_KEY, the API key of environment "
                + "'production'; a key may only be read by apiKey")
    }

    @Test("a variable reads the environment only as a whole ${env:NAME}")
    func embeddedReference() {
        let (_, diagnostics) = Self.decode("environments:\n  local:\n    variables: {x: \"id-${env:REGION}\"}\n")
        #expect(diagnostics.map(\.code) == ["invalid-value"])
        #expect(diagnostics.first?.location?.line == 3)
    }
}
