import Foundation
import MittoTestSupport
import PolicyManifest
import PolicyModel
import Testing
import YAMLNodes

/// The JSON Schemas in `schemas/` and the Swift loader must agree: every example is valid to both, and every broken
/// file the schema could judge is refused by both. A few rules are beyond JSON Schema (a name defined twice, step
/// timeouts against codeTtl, a duration string's range, undefined variables, `${env:NAME}` in a manifest, a variable
/// reading an environment's key, what a policy test names); there the schema may pass what the loader refuses, never
/// the other way round.
@Suite("The JSON Schemas agree with the loader")
struct SchemaAgreementTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..")
        .standardizedFileURL
    static let beyondSchema: Set<String> = [
        "duplicate-name", "duplicate-bucket", "duplicate-key", "timeouts-exceed-ttl", "undefined-variable",
        "duration-out-of-range", "yaml-syntax", "yaml-alias", "yaml-limit", "invalid-encoding", "file-too-large",
        "env-in-manifest", "reads-api-key", "unknown-limit", "unknown-workflow", "unknown-bucket",
    ]
    /// What a policy test names from other files: one file alone cannot tell.
    static let crossFile: Set<String> = ["unknown-limit", "unknown-workflow", "unknown-bucket"]

    struct Sample {
        var name: String
        var documents: [String]
        var loaderErrors: [String]
    }

    /// Each YAML document as JSON, typed by the YAML 1.2 core schema as the loader reads it; nil when the file is
    /// not YAML the schema could see.
    static func jsonDocuments(_ bytes: [UInt8]) -> [String]? {
        guard let documents = try? YAMLParser.parse(bytes, limits: .init(allowsAliases: false)) else { return nil }
        return documents.map { jsonText($0.root) }
    }

    /// The node as JSON text, keys in the order written.
    static func jsonText(_ node: YAMLNode) -> String {
        if let pairs = node.mappingPairs {
            return "{"
                + pairs.map { jsonString($0.key.scalarValue ?? "") + ":" + jsonText($0.value) }
                .joined(separator: ",") + "}"
        }
        if let items = node.sequenceItems { return "[" + items.map(jsonText).joined(separator: ",") + "]" }
        let text = node.scalarValue ?? ""
        switch node.scalarType {
        case .null?: return "null"
        case .bool?: return node.bool == true ? "true" : "false"
        case .int?: return node.int.map { String($0) } ?? jsonString(text)
        case .float?: return node.double.flatMap { $0.isFinite ? String($0) : nil } ?? jsonString(text)
        default: return jsonString(text)
        }
    }

    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// The schema's verdict per sample, from one run of `scripts/check-schema.py`.
    static func schemaVerdicts(_ samples: [Sample], schema: String) throws -> [[String]] {
        var verdicts = try SchemaCheck.errors(samples.flatMap(\.documents), schema: schema).makeIterator()
        return samples.map { sample in sample.documents.flatMap { _ in verdicts.next() ?? ["no answer"] } }
    }

    static func manifestSamples() -> [Sample] {
        var samples: [Sample] = []
        let examples = root.appendingPathComponent("examples").path
        let files = (FileManager.default.enumerator(atPath: examples)?.allObjects as? [String] ?? [])
            .filter { $0.hasSuffix(".yaml") && !$0.hasSuffix(ProjectFile.fileName) && !$0.hasPrefix("ci/") }.sorted()
        for file in files {
            let path = (examples as NSString).appendingPathComponent(file)
            let bytes = Array(FileManager.default.contents(atPath: path) ?? Data())
            var scope = VariableScope()
            let project = ((path as NSString).deletingLastPathComponent as NSString)
                .deletingLastPathComponent.appending("/\(ProjectFile.fileName)")
            if let local = ProjectFile.load(path: project).0?.environment(ProjectFile.localEnvironment) {
                scope.variables = local.variables
            }
            let errors = ManifestLoader.decode([(path, bytes)], scope: scope).diagnostics.filter {
                $0.severity == .error && !crossFile.contains($0.code)
            }
            samples.append(
                Sample(
                    name: "examples/\(file)", documents: jsonDocuments(bytes) ?? [], loaderErrors: errors.map(\.code)))
        }
        for corpusCase in CorpusCase.all(.manifest) {
            guard let documents = jsonDocuments(corpusCase.bytes) else { continue }
            // The schema sees `${var.NAME}` as text; what the value turns out to be is the loader's to judge.
            let lines = String(decoding: corpusCase.bytes, as: UTF8.self).split(
                separator: "\n", omittingEmptySubsequences: false)
            let errors = corpusCase.actual().diagnostics.filter { $0.severity == .error }.map { diagnostic in
                let line = diagnostic.location.flatMap {
                    lines.indices.contains($0.line - 1) ? lines[$0.line - 1] : nil
                }
                return line?.contains("${") == true ? "undefined-variable" : diagnostic.code
            }
            samples.append(Sample(name: corpusCase.description, documents: documents, loaderErrors: errors))
        }
        return samples
    }

    static func projectSamples() -> [Sample] {
        var samples: [Sample] = []
        let examples = root.appendingPathComponent("examples").path
        let files = (FileManager.default.enumerator(atPath: examples)?.allObjects as? [String] ?? [])
            .filter { $0.hasSuffix(ProjectFile.fileName) }.sorted()
        for file in files {
            let path = (examples as NSString).appendingPathComponent(file)
            let bytes = Array(FileManager.default.contents(atPath: path) ?? Data())
            let errors = ProjectFile.decode(bytes, path: path).1.filter { $0.severity == .error }.map(\.code)
            samples.append(
                Sample(name: "examples/\(file)", documents: jsonDocuments(bytes) ?? [], loaderErrors: errors))
        }
        for corpusCase in CorpusCase.all(.project) {
            guard let documents = jsonDocuments(corpusCase.bytes) else { continue }
            let errors = corpusCase.actual().diagnostics.filter { $0.severity == .error }.map(\.code)
            samples.append(Sample(name: corpusCase.description, documents: documents, loaderErrors: errors))
        }
        return samples
    }

    static func checkAgreement(_ samples: [Sample], schema: String) throws {
        let verdicts = try schemaVerdicts(samples, schema: schema)
        for (sample, schemaErrors) in zip(samples, verdicts) {
            let loaderValid = sample.loaderErrors.isEmpty
            let schemaValid = schemaErrors.isEmpty
            if loaderValid {
                #expect(schemaValid, "\(sample.name): the loader accepts it, the schema refuses: \(schemaErrors)")
            } else if !sample.loaderErrors.allSatisfy(beyondSchema.contains) {
                #expect(
                    !schemaValid, "\(sample.name): the loader refuses it (\(sample.loaderErrors)), the schema accepts")
            }
        }
    }

    @Test("manifests: examples and corpus")
    func manifests() throws {
        let samples = Self.manifestSamples()
        #expect(samples.filter { $0.name.hasPrefix("examples/") }.count >= 5)
        for sample in samples where sample.name.hasPrefix("examples/") {
            #expect(sample.loaderErrors.isEmpty, "\(sample.name): \(sample.loaderErrors)")
        }
        try Self.checkAgreement(samples, schema: "manifest")
    }

    @Test("project files: examples and corpus")
    func projects() throws {
        let samples = Self.projectSamples()
        #expect(!samples.isEmpty)
        try Self.checkAgreement(samples, schema: "project")
    }
}
