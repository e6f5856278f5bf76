import Foundation
import PolicyModel

/// Diagnostics as JSON, the stable contract for tools: `formatVersion`, a summary, and one object per diagnostic.
public struct DiagnosticJSONRenderer: Sendable {
    /// The version of this JSON shape; it changes only when a field changes meaning or goes away.
    public static let formatVersion = 1

    /// Creates a renderer.
    public init() {}

    private struct Document: Encodable {
        struct Summary: Encodable {
            var files: Int
            var limits: Int
            var workflows: Int
            var errors: Int
            var warnings: Int
        }

        struct Item: Encodable {
            struct Note: Encodable {
                var message: String
                var file: String?
                var line: Int?
                var column: Int?
            }

            var file: String?
            var line: Int?
            var column: Int?
            var severity: String
            var code: String
            var message: String
            var hint: String?
            var notes: [Note]
        }

        var formatVersion: Int
        var valid: Bool
        var summary: Summary
        var files: [String]
        var diagnostics: [Item]
    }

    /// The report as pretty-printed JSON with sorted keys, ending in a newline.
    public func render(_ report: DiagnosticsReport) -> String {
        let document = Document(
            formatVersion: Self.formatVersion,
            valid: report.errorCount == 0,
            summary: .init(
                files: report.files.count, limits: report.limitCount, workflows: report.workflowCount,
                errors: report.errorCount, warnings: report.warningCount
            ),
            files: report.files,
            diagnostics: report.diagnostics.map { diagnostic in
                Document.Item(
                    file: diagnostic.location?.file, line: diagnostic.location?.line,
                    column: diagnostic.location?.column, severity: diagnostic.severity.rawValue, code: diagnostic.code,
                    message: diagnostic.message, hint: diagnostic.hint,
                    notes: diagnostic.notes.map {
                        .init(
                            message: $0.message, file: $0.location?.file, line: $0.location?.line,
                            column: $0.location?.column
                        )
                    }
                )
            }
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(document) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
