public import PolicyApplier

/// What an apply did, as JSON for tools: `formatVersion`, whether every change was applied, counts, and one result
/// per change with its status, sid and error.
public struct ApplyReportJSONRenderer: ReportRenderer {
    /// The version of this JSON shape; it changes only when a field changes meaning or goes away.
    public static let formatVersion = 2

    /// Creates a renderer.
    public init() {}

    private struct Document: Encodable {
        struct Summary: Encodable {
            var applied: Int
            var failed: Int
            var unknown: Int
            var notStarted: Int
        }

        struct Result: Encodable {
            var address: String
            var kind: String
            var name: String
            var action: String
            var status: String
            var sid: String?
            var error: String?
            var note: String?
        }

        var formatVersion: Int
        var environment: String
        var succeeded: Bool
        var interrupted: Bool
        var summary: Summary
        var results: [Result]
    }

    /// The report as pretty-printed JSON with sorted keys, ending in a newline.
    public func render(_ report: ApplyReport) -> String {
        let document = Document(
            formatVersion: Self.formatVersion,
            environment: report.environment,
            succeeded: report.succeeded,
            interrupted: report.interrupted,
            summary: .init(
                applied: report.count(.applied), failed: report.count(.failed), unknown: report.count(.unknown),
                notStarted: report.count(.notStarted)
            ),
            results: report.results.map {
                .init(
                    address: $0.address.description, kind: $0.address.kind.rawValue, name: $0.address.name,
                    action: $0.action.rawValue, status: $0.status.rawValue, sid: $0.sid, error: $0.error,
                    note: $0.note
                )
            }
        )
        return JSONDocument.text(document)
    }
}
