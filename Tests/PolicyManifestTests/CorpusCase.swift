import Foundation
import PolicyManifest
import PolicyModel

/// One broken file of the bad-input corpus with the diagnostics it must produce, read from its `# expect:` lines:
/// `# expect: unknown-key@4 missing-key@6` means exactly those codes on those lines, nothing else.
struct CorpusCase: Sendable, CustomStringConvertible {
    enum Kind: String, Sendable {
        case manifest = "manifests"
        case project = "projects"
    }

    struct Expected: Hashable, Sendable, Comparable, CustomStringConvertible {
        var code: String
        var line: Int
        var description: String { "\(code)@\(line)" }
        static func < (a: Expected, b: Expected) -> Bool { (a.line, a.code) < (b.line, b.code) }
    }

    var kind: Kind
    var path: String
    var bytes: [UInt8]
    var expected: [Expected]

    var description: String { "\(kind.rawValue)/\((path as NSString).lastPathComponent)" }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Corpus")

    /// Every case of `kind`, sorted by file name.
    static func all(_ kind: Kind) -> [CorpusCase] {
        let folder = directory.appendingPathComponent(kind.rawValue)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted().compactMap { name in
            let path = folder.appendingPathComponent(name).path
            guard let data = FileManager.default.contents(atPath: path) else { return nil }
            return CorpusCase(kind: kind, path: path, bytes: Array(data), expected: expectations(Array(data)))
        }
    }

    static func expectations(_ bytes: [UInt8]) -> [Expected] {
        let text = String(decoding: bytes.prefix(4096), as: UTF8.self)
        var expected: [Expected] = []
        for line in text.split(separator: "\n") where line.hasPrefix("# expect:") {
            for item in line.dropFirst("# expect:".count).split(separator: " ") {
                let parts = item.split(separator: "@")
                if parts.count == 2, let number = Int(parts[1]) {
                    expected.append(Expected(code: String(parts[0]), line: number))
                }
            }
        }
        return expected.sorted()
    }

    /// What the loader reports for the file, as `code@line`; diagnostics without a line count as line 0.
    func actual() -> (found: [Expected], diagnostics: [Diagnostic]) {
        let diagnostics: [Diagnostic]
        switch kind {
        case .manifest:
            let variables: [String: VariableValue] = [
                "phone_burst": .int(3), "sender_id": .string("ACME"), "window": .environmentVariable("MITTO_WINDOW"),
                "unset_sender": .environmentVariable("MITTO_UNSET_SENDER"),
            ]
            let scope = VariableScope(
                variables: variables, environment: ["MITTO_WINDOW": "10m", "MITTO_API_KEY": "ZQXK-corpus-key"],
                origin: "the corpus scope"
            )
            let alone = ManifestLoader.decode([(path, bytes)], scope: scope, parseAheadFrom: .max)
            // Reading on a second thread, and reading every limit from its node, find exactly what one thread
            // reading limits from events does; a difference fails the case.
            let others = [
                ManifestLoader.decode([(path, bytes)], scope: scope, parseAheadFrom: 0),
                ManifestLoader.decode([(path, bytes)], scope: scope, parseAheadFrom: .max, objectsFromEvents: false),
            ]
            let differs = others.contains { $0.diagnostics != alone.diagnostics || $0.manifests != alone.manifests }
            diagnostics =
                alone.diagnostics + (differs ? [.error("reading-differs", "the ways of reading differ", at: nil)] : [])
        case .project:
            diagnostics = ProjectFile.decode(bytes, path: path).1
        }
        return (diagnostics.map { Expected(code: $0.code, line: $0.location?.line ?? 0) }.sorted(), diagnostics)
    }
}
