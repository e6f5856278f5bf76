import PolicyModel

/// Checks what policy tests refer to, once every file is read: the limits, buckets and workflows they name must be
/// declared, and test names are unique. `refused by LIMIT.BUCKET` is split here, where the limits are known (names
/// may hold dots).
struct PolicyTestCheck {
    let limits: [String: Limit]
    let workflows: Set<String>

    init(limits: [Declared<Limit>], workflows: [Declared<Workflow>]) {
        self.limits = Dictionary(limits.map { ($0.value.name, $0.value) }) { first, _ in first }
        self.workflows = Set(workflows.map(\.value.name))
    }

    func check(_ tests: [PolicyTest]) -> (tests: [PolicyTest], diagnostics: [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        var checked: [PolicyTest] = []
        var first: [String: SourceLocation] = [:]
        for var test in tests {
            if let original = first[test.name] {
                diagnostics.append(
                    .error(
                        "duplicate-name", "test '\(test.name)' is defined twice", at: test.location,
                        hint: "rename one of them", notes: [.init("first defined here", at: original)]))
                continue
            }
            first[test.name] = test.location
            if !test.sends.isEmpty
                && test.sends.allSatisfy({ $0.expect == nil && $0.reaches == nil && $0.expires == nil })
            {
                diagnostics.append(
                    .warning(
                        "test-checks-nothing",
                        "test '\(test.name)' has no expect, reaches or expires: it always passes",
                        at: test.location, hint: "add expect: admitted (or refused by LIMIT.BUCKET) to a send"))
            }
            for index in test.sends.indices {
                diagnostics += check(&test.sends[index], in: test.name)
            }
            checked.append(test)
        }
        return (checked, diagnostics)
    }

    private func check(_ send: inout TestSend, in test: String) -> [Diagnostic] {
        var found: [Diagnostic] = []
        let known = limits.keys.sorted()
        for name in send.limits.keys.sorted() where limits[name] == nil {
            found.append(
                .error(
                    "unknown-limit", "test '\(test)' sends with limit '\(name)', which no manifest declares",
                    at: send.location, hint: Suggestion.hint(for: name, in: known) ?? hint(known, "limits")))
        }
        if let workflow = send.workflow, !workflows.contains(workflow) {
            found.append(
                .error(
                    "unknown-workflow", "test '\(test)' sends with workflow '\(workflow)', which no manifest declares",
                    at: send.location,
                    hint: Suggestion.hint(for: workflow, in: workflows.sorted())
                        ?? hint(workflows.sorted(), "workflows")))
        }
        guard case .refused(let by?, nil) = send.expect else { return found }
        let place = send.expectationLocations["expect"] ?? send.location
        if limits[by] != nil {
            send.expect = .refused(limit: by, bucket: nil)
            return found
        }
        // `LIMIT.BUCKET`: the split whose limit is declared and has that bucket.
        var dot = by.lastIndex(of: ".")
        while let split = dot {
            let limit = String(by[..<split])
            let bucket = String(by[by.index(after: split)...])
            if let declared = limits[limit] {
                guard declared.buckets.contains(where: { $0.name == bucket }) else {
                    found.append(
                        .error(
                            "unknown-bucket", "limit '\(limit)' has no bucket '\(bucket)'", at: place,
                            hint: "its buckets: \(declared.buckets.map(\.name).joined(separator: ", "))"))
                    return found
                }
                send.expect = .refused(limit: limit, bucket: bucket)
                return found
            }
            dot = by[..<split].lastIndex(of: ".")
        }
        found.append(
            .error(
                "unknown-limit", "test '\(test)' expects a refusal by '\(by)', which names no declared limit",
                at: place, hint: Suggestion.hint(for: by, in: known) ?? hint(known, "limits")))
        return found
    }

    private func hint(_ names: [String], _ kind: String) -> String {
        names.isEmpty ? "the manifests declare no \(kind)" : "declared: \(names.prefix(10).joined(separator: ", "))"
    }
}
