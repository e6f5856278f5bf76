import Foundation
import MittoTestSupport
import PolicyApplier
import PolicyModel
import PolicyPlanner
import Testing

/// Plans, drift reports and apply reports built by hand, the way the planner and applier make them for a small
/// account, so every renderer is shown the same realistic data.
enum Fixtures {
    /// A place in a manifest, at the name's column as the loader records it.
    static func at(_ file: String, _ line: Int) -> PolicyModel.SourceLocation {
        PolicyModel.SourceLocation(file: file, line: line, column: 3)
    }

    static let phoneLimit = Limit(
        name: "limit_on_phone", description: "Caps OTPs per phone number",
        buckets: [Bucket(name: "burst", max: 3, interval: 600), Bucket(name: "daily", max: 10, interval: 86_400)]
    )

    /// A new two-bucket limit, declared at `policy/limits.yaml:3:3`.
    static let createPhoneLimit = PlannedChange(
        address: ResourceAddress(.limit, "limit_on_phone"), action: .create, after: .limit(phoneLimit),
        risk: .tighten, source: at("policy/limits.yaml", 3)
    )

    /// A limit loosened in the manifest: a higher max and a shorter interval.
    static let updateIPLimit = PlannedChange(
        address: ResourceAddress(.limit, "limit_on_ip"), action: .update, sid: "LM0e4d6b1f9a2c47e8b3d5f7a9c1e2b4d6",
        before: .limit(Limit(name: "limit_on_ip", buckets: [Bucket(name: "burst", max: 5, interval: 60)])),
        after: .limit(
            Limit(
                name: "limit_on_ip", description: "Caps OTPs per client IP",
                buckets: [Bucket(name: "burst", max: 10, interval: 30)]
            )
        ),
        fields: [
            FieldChange(field: "description", before: .none, after: .text("Caps OTPs per client IP"), risk: .neutral),
            FieldChange(field: "buckets[0].max", before: .int(5), after: .int(10), risk: .loosen),
            FieldChange(
                field: "buckets[0].interval", before: .int(60), after: .int(30), risk: .loosen, isDuration: true
            ),
        ],
        risk: .loosen, source: at("policy/limits.yaml", 12)
    )

    static let signin = Workflow(
        name: "signin", codeLength: 6, codeTtl: 300, maxAttempts: 5,
        steps: [
            Step(channel: .sms, timeout: 60, from: "ACME", body: "Your code: {code}"),
            Step(
                channel: .call, timeout: 120, from: "+41445550000", body: "Your code is {code}", language: "en-US"
            ),
        ]
    )

    static let login = Workflow(
        name: "login", codeLength: 8, codeTtl: 900, maxAttempts: 5,
        steps: [Step(channel: .sms, timeout: 90, from: "ACME", body: "Your \"ACME\" code is {code}")]
    )

    /// A renamed workflow with a tighter code, a longer lifetime, a new timeout and body, and its call step removed.
    static let updateLogin = PlannedChange(
        address: ResourceAddress(.workflow, "login"), action: .update, sid: "WF7a3c9e1b5d2f48a6c0e4b8d1f3a5c7e9",
        before: .workflow(signin), after: .workflow(login),
        fields: [
            FieldChange(field: "name", before: .text("signin"), after: .text("login"), risk: .neutral),
            FieldChange(field: "codeLength", before: .int(6), after: .int(8), risk: .tighten),
            FieldChange(field: "codeTtl", before: .int(300), after: .int(900), risk: .loosen, isDuration: true),
            FieldChange(
                field: "steps[0].timeout", before: .int(60), after: .int(90), risk: .neutral, isDuration: true
            ),
            FieldChange(
                field: "steps[0].body", before: .text("Your code: {code}"),
                after: .text("Your \"ACME\" code is {code}"), risk: .neutral
            ),
            FieldChange(field: "steps[1]", before: .text("call, 2m timeout"), after: .none, risk: .loosen),
        ],
        risk: .loosen, source: at("policy/workflows.yaml", 2),
        renamedFrom: "signin"
    )

    /// An unmanaged limit deleted because deletions are allowed.
    static let deleteLegacyCap = PlannedChange(
        address: ResourceAddress(.limit, "legacy_cap"), action: .delete, sid: "LM2b8f4d0c6e1a49b7d3f5c9e0a2b4d6f8",
        before: .limit(
            Limit(
                name: "legacy_cap", description: "Old per-account cap",
                buckets: [Bucket(name: "hourly", max: 20, interval: 3_600)]
            )
        ),
        risk: .loosen
    )

    static let protectedEmailLimit = UnmanagedObject(
        address: ResourceAddress(.limit, "limit_on_email"), sid: "LM9d1e3f5a7b0c42d6e8f0a1b3c5d7e9f1",
        reason: .protected
    )

    static let changeShareRefusal = Refusal(
        rule: "max-change-share", measured: "3 changed or deleted of 10 live objects (30%)",
        threshold: "safety.maxChangeShare = 20%",
        override: "pass --force to apply anyway, or raise safety.maxChangeShare"
    )

    /// With deletions allowed: a create, two updates (one a rename), a delete, a protected object, a refusal.
    static let plan = Plan(
        environment: "production", changes: [createPhoneLimit, updateIPLimit, updateLogin, deleteLegacyCap],
        unmanaged: [protectedEmailLimit], refusals: [changeShareRefusal], forced: false, liveCount: 10, ignored: 1
    )

    /// Nothing to do.
    static let emptyPlan = Plan(
        environment: "staging", changes: [], unmanaged: [], refusals: [], forced: false, liveCount: 4, ignored: 0
    )

    /// A limit raised by hand in the account: live 10, manifest 3.
    static let handEditedPhoneLimit = PlannedChange(
        address: ResourceAddress(.limit, "limit_on_phone"), action: .update,
        sid: "LM4c6e8a0b2d3f45a7c9e1b3d5f7a9c0e2",
        before: .limit(
            Limit(
                name: "limit_on_phone", description: "Caps OTPs per phone number",
                buckets: [
                    Bucket(name: "burst", max: 10, interval: 600), Bucket(name: "daily", max: 10, interval: 86_400),
                ]
            )
        ),
        after: .limit(phoneLimit),
        fields: [FieldChange(field: "buckets[0].max", before: .int(10), after: .int(3), risk: .tighten)],
        risk: .tighten, source: at("policy/limits.yaml", 3)
    )

    /// A declared workflow someone deleted from the account.
    static let missingPasswordReset = PlannedChange(
        address: ResourceAddress(.workflow, "password_reset"), action: .create,
        after: .workflow(
            Workflow(
                name: "password_reset", description: "Codes for resetting a password", codeLength: 6, codeTtl: 1_800,
                maxAttempts: 3,
                steps: [
                    Step(
                        channel: .email, timeout: 300, from: "ACME Security", body: "Your ACME reset code is {code}",
                        emailFrom: "no-reply@acme.example", subject: "Your ACME code"
                    )
                ]
            )
        ),
        risk: .neutral, source: at("policy/workflows.yaml", 14)
    )

    /// Made without deletions allowed, as `drift` plans: unmanaged objects stay and are listed.
    static let driftPlan = Plan(
        environment: "production", changes: [missingPasswordReset, handEditedPhoneLimit],
        unmanaged: [
            protectedEmailLimit,
            UnmanagedObject(
                address: ResourceAddress(.limit, "test_cap"), sid: "LM6f8a0c2e4b1d43f5a7c9e0b2d4f6a8c1",
                reason: .deletionNotAllowed
            ),
            UnmanagedObject(
                address: ResourceAddress(.workflow, "marketing_signup"), sid: "WF3e5a7c9b1d0f42e4a6c8b0d2f4e6a8b3",
                reason: .deletionNotAllowed
            ),
        ],
        refusals: [], forced: false, liveCount: 5, ignored: 0
    )

    static let drift = DriftReport(plan: driftPlan)

    static let noDrift = DriftReport(plan: emptyPlan)

    /// 200 creates, 200 updates and 200 deletes: far more than one pull-request comment holds in full.
    static let hugePlan: Plan = {
        var changes: [PlannedChange] = []
        for index in 0..<200 {
            let name = String(format: "limit_%03d", index)
            changes.append(
                PlannedChange(
                    address: ResourceAddress(.limit, name), action: .create,
                    after: .limit(
                        Limit(
                            name: name, description: "Per-tenant cap number \(index)",
                            buckets: [
                                Bucket(name: "burst", max: 3, interval: 600),
                                Bucket(name: "daily", max: 10, interval: 86_400),
                            ]
                        )
                    ),
                    risk: .tighten, source: at("policy/tenants.yaml", 3 + index * 6)
                )
            )
        }
        for index in 0..<200 {
            let name = String(format: "workflow_%03d", index)
            changes.append(
                PlannedChange(
                    address: ResourceAddress(.workflow, name), action: .update, sid: "WF\(index)",
                    before: .workflow(signin), after: .workflow(login),
                    fields: updateLogin.fields.filter { $0.field != "name" }, risk: .loosen,
                    source: at("policy/tenant-workflows.yaml", 2 + index * 9)
                )
            )
        }
        for index in 0..<200 {
            let name = String(format: "old_%03d", index)
            changes.append(
                PlannedChange(
                    address: ResourceAddress(.limit, name), action: .delete, sid: "LM\(index)",
                    before: .limit(Limit(name: name, buckets: [Bucket(name: "hourly", max: 20, interval: 3_600)])),
                    risk: .loosen
                )
            )
        }
        return Plan(
            environment: "production", changes: changes, unmanaged: [], refusals: [], forced: true, liveCount: 400,
            ignored: 0
        )
    }()

    /// Every change of `plan` applied.
    static let completeApply = ApplyReport(
        environment: "production",
        results: [
            .init(
                address: createPhoneLimit.address, action: .create, status: .applied,
                sid: "LM8e0a2c4f6b1d47e9a3c5f7b9d0e2a4c6"
            ),
            .init(address: updateIPLimit.address, action: .update, status: .applied, sid: updateIPLimit.sid),
            .init(address: updateLogin.address, action: .update, status: .applied, sid: updateLogin.sid),
            .init(address: deleteLegacyCap.address, action: .delete, status: .applied, sid: deleteLegacyCap.sid),
        ]
    )

    /// The rename and the create applied, the limit update refused by the API, so the delete was not attempted.
    static let incompleteApply = ApplyReport(
        environment: "production",
        results: [
            .init(
                address: createPhoneLimit.address, action: .create, status: .applied,
                sid: "LM8e0a2c4f6b1d47e9a3c5f7b9d0e2a4c6"
            ),
            .init(
                address: updateIPLimit.address, action: .update, status: .failed, sid: updateIPLimit.sid,
                error: "PUT /2fa/limits/LM0e4d6b1f9a2c47e8b3d5f7a9c1e2b4d6: 400: Invalid bucket "
                    + "(details: buckets[0].interval: must be at least 60 seconds)"
            ),
            .init(address: updateLogin.address, action: .update, status: .applied, sid: updateLogin.sid),
            .init(
                address: deleteLegacyCap.address, action: .delete, status: .notStarted, sid: deleteLegacyCap.sid,
                error: "an earlier change did not succeed, and deletes wait for everything before them"
            ),
        ]
    )
}

/// The golden files under `Tests/PolicyRenderingTests/Golden/`.
enum Golden {
    static let files = GoldenFiles()

    /// Expects `actual` to equal the golden file `name` byte for byte (recording it first with `RECORD_GOLDEN=1`).
    static func expect(_ actual: String, _ name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation)
        throws
    {
        let expected = try files.expected(name, actual: actual)
        #expect(
            expected != nil, "missing golden file \(name): run with RECORD_GOLDEN=1", sourceLocation: sourceLocation)
        #expect(actual == expected, "output differs from Golden/\(name)", sourceLocation: sourceLocation)
    }

    /// Expects `actual` to be JSON equal in structure to the golden file `name` (key order and layout aside), and
    /// returns it parsed.
    static func expectJSON(
        _ actual: String, _ name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws -> [String: Any] {
        let parsed = try JSONSerialization.jsonObject(with: Data(actual.utf8))
        let golden = try files.expected(name, actual: actual)
        #expect(golden != nil, "missing golden file \(name): run with RECORD_GOLDEN=1", sourceLocation: sourceLocation)
        if let golden {
            let expected = try JSONSerialization.jsonObject(with: Data(golden.utf8))
            #expect(
                try canonical(expected) == canonical(parsed), "JSON differs in structure from Golden/\(name)",
                sourceLocation: sourceLocation
            )
        }
        return try #require(parsed as? [String: Any], sourceLocation: sourceLocation)
    }

    /// The JSON value written compactly with sorted keys: equal for equal structures, whatever the layout.
    private static func canonical(_ value: Any) throws -> Data {
        try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])
    }
}

extension String {
    /// The lines, without the empty one after the final newline.
    var lines: [Substring] { split(separator: "\n", omittingEmptySubsequences: false).dropLast() }
}
