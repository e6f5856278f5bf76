public import PolicyPlanner

/// A drift report as JSON, the stable contract for tools: `formatVersion`, `inSync`, counts, and the changed,
/// missing and unmanaged objects; each changed or missing one with its `risk`: `loosened`, `tightened` or `changed`
/// outside the manifests, or `missing` for an absent object whose absence loosens nothing. Changed fields name their sides `live` and `manifest`, so a reader never has to
/// remember which way round a plan's `before` and `after` go. Durations are seconds.
public struct DriftJSONRenderer: ReportRenderer {
    /// The version of this JSON shape; it changes only when a field changes meaning or goes away.
    public static let formatVersion = 1

    /// Creates a renderer.
    public init() {}

    private struct Document: Encodable {
        struct Summary: Encodable {
            var changed: Int
            var missing: Int
            var unmanaged: Int
        }

        struct Changed: Encodable {
            struct Field: Encodable {
                var field: String
                var live: JSONDocument.Value
                var manifest: JSONDocument.Value
                var duration: Bool
            }

            var address: String
            var kind: String
            var name: String
            var risk: String
            var sid: String?
            var fields: [Field]
            var live: JSONDocument.Object?
            var manifest: JSONDocument.Object?
            var source: JSONDocument.Source?
            var renamedFrom: String?
        }

        struct Missing: Encodable {
            var address: String
            var kind: String
            var name: String
            var risk: String
            var manifest: JSONDocument.Object?
            var source: JSONDocument.Source?
        }

        struct Unmanaged: Encodable {
            var address: String
            var kind: String
            var name: String
            var sid: String
        }

        var formatVersion: Int
        var environment: String
        var inSync: Bool
        var summary: Summary
        var changed: [Changed]
        var missing: [Missing]
        var unmanaged: [Unmanaged]
        var scope: AddressScope?
    }

    /// The report as pretty-printed JSON with sorted keys, ending in a newline.
    public func render(_ report: DriftReport) -> String {
        let document = Document(
            formatVersion: Self.formatVersion,
            environment: report.environment,
            inSync: report.isInSync,
            summary: .init(
                changed: report.changed.count, missing: report.missing.count, unmanaged: report.unmanaged.count
            ),
            changed: report.changed.map { change in
                Document.Changed(
                    address: change.address.description, kind: change.address.kind.rawValue,
                    name: change.address.name, risk: ChangeText.driftRisk(change), sid: change.sid,
                    fields: change.fields.map {
                        .init(
                            field: $0.field, live: .init($0.before), manifest: .init($0.after), duration: $0.isDuration)
                    },
                    live: change.before.map(JSONDocument.Object.init),
                    manifest: change.after.map(JSONDocument.Object.init),
                    source: change.source.map(JSONDocument.Source.init), renamedFrom: change.renamedFrom
                )
            },
            missing: report.missing.map { change in
                Document.Missing(
                    address: change.address.description, kind: change.address.kind.rawValue,
                    name: change.address.name, risk: ChangeText.driftRisk(change),
                    manifest: change.after.map(JSONDocument.Object.init),
                    source: change.source.map(JSONDocument.Source.init)
                )
            },
            unmanaged: report.unmanaged.map {
                .init(
                    address: $0.address.description, kind: $0.address.kind.rawValue, name: $0.address.name,
                    sid: $0.sid
                )
            },
            scope: report.scope
        )
        return JSONDocument.text(document)
    }
}
