public import PolicyPlanner
public import PolicySimulation

/// A plan as JSON, the stable contract for tools and the one shape of a plan: `plan --format json` prints it,
/// `plan -out` saves it, and `apply` and `show` read it back (`Plan` is `Decodable` from it); `schemas/plan.schema.json`
/// describes it. It holds `kind` and `formatVersion`, the account planned for, a summary, every change with its
/// changed fields, risk and the fingerprint of the live object it was planned against, the unmanaged objects, and the
/// refusals. Durations are seconds.
public struct PlanJSONRenderer: ReportRenderer {
    /// The version of this JSON shape; it changes only when a field changes meaning or goes away.
    public static let formatVersion = Plan.formatVersion

    /// Creates a renderer.
    public init() {}

    private struct Document: Encodable {
        struct Summary: Encodable {
            var create: Int
            var update: Int
            var delete: Int
            var unmanaged: Int
            var ignored: Int
        }

        struct Change: Encodable {
            struct Field: Encodable {
                var field: String
                var before: JSONDocument.Value
                var after: JSONDocument.Value
                var risk: String
                var duration: Bool
            }

            var address: String
            var kind: String
            var name: String
            var action: String
            var sid: String?
            var before: JSONDocument.Object?
            var after: JSONDocument.Object?
            var changedFields: [Field]
            var risk: String
            var source: JSONDocument.Source?
            var renamedFrom: String?
            var liveFingerprint: String?
        }

        struct Unmanaged: Encodable {
            var address: String
            var sid: String
            var reason: String
        }

        struct Refusal: Encodable {
            var rule: String
            var measured: String
            var threshold: String
            var override: String
        }

        struct Target: Encodable {
            var endpoint: String
            var accountSid: String
            var subAccount: String?
        }

        var kind = Plan.documentKind
        var formatVersion: Int
        var environment: String
        var target: Target?
        var summary: Summary
        var changes: [Change]
        var unmanaged: [Unmanaged]
        var refusals: [Refusal]
        var refused: Bool
        var forced: Bool
        var liveCount: Int
        var scope: AddressScope?
        var simulation: SimulationReport?
    }

    /// The plan as pretty-printed JSON with sorted keys, ending in a newline.
    public func render(_ plan: Plan) -> String {
        render(plan, simulation: nil)
    }

    /// The plan with, under `simulation`, what it does to recorded traffic (`plan --traffic`).
    public func render(_ plan: Plan, simulation: SimulationReport?) -> String {
        let counts = plan.summary
        let document = Document(
            formatVersion: Self.formatVersion,
            environment: plan.environment,
            target: plan.target.map {
                .init(endpoint: $0.endpoint, accountSid: $0.accountSid, subAccount: $0.subAccount)
            },
            summary: .init(
                create: counts.create, update: counts.update, delete: counts.delete, unmanaged: counts.unmanaged,
                ignored: counts.ignored
            ),
            changes: plan.changes.map { change in
                Document.Change(
                    address: change.address.description, kind: change.address.kind.rawValue,
                    name: change.address.name, action: change.action.rawValue, sid: change.sid,
                    before: change.before.map(JSONDocument.Object.init),
                    after: change.after.map(JSONDocument.Object.init),
                    changedFields: change.fields.map {
                        .init(
                            field: $0.field, before: .init($0.before), after: .init($0.after), risk: $0.risk.rawValue,
                            duration: $0.isDuration
                        )
                    },
                    risk: change.risk.rawValue, source: change.source.map(JSONDocument.Source.init),
                    renamedFrom: change.renamedFrom, liveFingerprint: change.liveFingerprint
                )
            },
            unmanaged: plan.unmanaged.map {
                .init(address: $0.address.description, sid: $0.sid, reason: $0.reason.rawValue)
            },
            refusals: plan.refusals.map {
                .init(rule: $0.rule, measured: $0.measured, threshold: $0.threshold, override: $0.override)
            },
            refused: plan.isRefused,
            forced: plan.forced,
            liveCount: plan.liveCount,
            scope: plan.scope,
            simulation: simulation
        )
        return JSONDocument.text(document)
    }
}
