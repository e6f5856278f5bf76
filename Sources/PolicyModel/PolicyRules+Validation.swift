extension PolicyRules {
    /// Every problem with `limit`, in field order; empty when the API would accept it.
    public static func problems(in limit: Limit, at root: FieldPath = FieldPath()) -> [FieldProblem] {
        var problems = nameProblems(limit.name, at: root.appending("name"))
        // Most limits break no rule: empty lists are not appended.
        func add(_ more: [FieldProblem]) { if !more.isEmpty { problems += more } }
        add(descriptionProblems(limit.description, at: root.appending("description")))
        var bucketsPath: FieldPath { root.appending("buckets") }
        if !bucketCount.contains(limit.buckets.count) {
            problems.append(
                .init(
                    field: bucketsPath, kind: .outOfRange,
                    message:
                        "must have \(bucketCount.lowerBound) or \(bucketCount.upperBound) buckets, got \(limit.buckets.count)"
                )
            )
        }
        for (index, bucket) in limit.buckets.enumerated() {
            var path: FieldPath { bucketsPath.appending(index: index) }
            add(nameProblems(bucket.name, at: path.appending("name")))
            // Limits have a handful of buckets: the earlier ones are compared directly.
            if limit.buckets[..<index].contains(where: { $0.name == bucket.name }) {
                problems.append(
                    .init(
                        field: path.appending("name"), kind: .duplicate,
                        message: "bucket name '\(bucket.name)' is used twice in this limit"
                    )
                )
            }
            add(rangeProblems(bucket.max, bucketMax, at: path.appending("max")))
            add(rangeProblems(bucket.interval, bucketInterval, at: path.appending("interval")))
        }
        return problems
    }

    /// Every problem with `workflow`, in field order; empty when the API would accept it.
    public static func problems(in workflow: Workflow, at root: FieldPath = FieldPath()) -> [FieldProblem] {
        var problems = nameProblems(workflow.name, at: root.appending("name"))
        problems += descriptionProblems(workflow.description, at: root.appending("description"))
        problems += rangeProblems(workflow.codeLength, codeLength, at: root.appending("codeLength"))
        problems += rangeProblems(workflow.codeTtl, codeTtl, at: root.appending("codeTtl"))
        problems += rangeProblems(workflow.maxAttempts, maxAttempts, at: root.appending("maxAttempts"))
        var stepsPath: FieldPath { root.appending("steps") }
        if !stepCount.contains(workflow.steps.count) {
            problems.append(
                .init(
                    field: stepsPath, kind: .outOfRange,
                    message:
                        "must have \(stepCount.lowerBound) to \(stepCount.upperBound) steps, got \(workflow.steps.count)"
                )
            )
        }
        for (index, step) in workflow.steps.enumerated() {
            problems += stepProblems(step, at: stepsPath.appending(index: index))
        }
        let totalTimeout = workflow.steps.reduce(0) { $0 + $1.timeout }
        if totalTimeout > workflow.codeTtl {
            problems.append(
                .init(
                    field: stepsPath, kind: .timeoutsExceedTtl,
                    message: "step timeouts add up to \(totalTimeout)s, more than codeTtl (\(workflow.codeTtl)s)"
                )
            )
        }
        return problems
    }

    static func stepProblems(_ step: Step, at lazyPath: @autoclosure () -> FieldPath) -> [FieldProblem] {
        var problems = rangeProblems(step.timeout, stepTimeout, at: lazyPath().appending("timeout"))
        var path: FieldPath { lazyPath() }
        if !containsCodePlaceholder(step.body) {
            problems.append(
                .init(field: path.appending("body"), kind: .missingCodePlaceholder, message: "must contain {code}")
            )
        }
        // Counting characters walks the text; a body of no more bytes than the limit has no more characters.
        if step.body.utf8.count > bodyMaxLength, step.body.count > bodyMaxLength {
            problems.append(
                .init(
                    field: path.appending("body"), kind: .outOfRange,
                    message: "must be at most \(bodyMaxLength) characters, got \(step.body.count)"
                )
            )
        }
        if step.channel == .call {
            if let language = step.language, !isValidLanguage(language) {
                problems.append(
                    .init(
                        field: path.appending("language"), kind: .invalidFormat,
                        message: "'\(language)' is not a language tag such as en-US or awspolly.ja-JP"
                    )
                )
            }
            if let count = step.repeat {
                problems += rangeProblems(count, callRepeat, at: path.appending("repeat"))
            }
        } else if step.language != nil || step.voice != nil || step.repeat != nil {
            for (field, isSet) in [
                ("language", step.language != nil), ("voice", step.voice != nil), ("repeat", step.repeat != nil),
            ]
            where isSet {
                problems.append(
                    .init(
                        field: path.appending(field), kind: .wrongChannelField,
                        message: "applies to call steps only, this step is \(step.channel.rawValue)"
                    )
                )
            }
        }
        if step.channel != .email, step.emailFrom != nil || step.subject != nil {
            for (field, isSet) in [("emailFrom", step.emailFrom != nil), ("subject", step.subject != nil)] where isSet {
                problems.append(
                    .init(
                        field: path.appending(field), kind: .wrongChannelField,
                        message: "applies to email steps only, this step is \(step.channel.rawValue)"
                    )
                )
            }
        }
        if step.channel == .email {
            if step.emailFrom?.isEmpty ?? true {
                problems.append(
                    .init(field: path.appending("emailFrom"), kind: .missing, message: "email steps need emailFrom"))
            }
            if step.subject?.isEmpty ?? true {
                problems.append(
                    .init(field: path.appending("subject"), kind: .missing, message: "email steps need a subject"))
            }
        }
        return problems
    }

    /// Whether `body` holds `{code}`, as `String.contains` finds it: its bytes are searched first, and only text that
    /// has those bytes and is not all ASCII (where a `}` may take a combining mark) is searched by characters.
    private static let codePlaceholderBytes = Array(codePlaceholder.utf8)

    static func containsCodePlaceholder(_ body: String) -> Bool {
        var body = body
        let found = body.withUTF8 { bytes -> Bool? in
            let needle = codePlaceholderBytes
            guard bytes.count >= needle.count else { return false }
            var hasBytes = false
            for start in 0...(bytes.count - needle.count) where bytes[start] == needle[0] {
                if (1..<needle.count).allSatisfy({ bytes[start + $0] == needle[$0] }) {
                    hasBytes = true
                    break
                }
            }
            guard hasBytes else { return false }
            return bytes.allSatisfy { $0 < 0x80 } ? true : nil
        }
        return found ?? body.contains(codePlaceholder)
    }

    static func nameProblems(_ name: String, at path: @autoclosure () -> FieldPath) -> [FieldProblem] {
        guard !isValidName(name) else { return [] }
        return [
            .init(
                field: path(), kind: .invalidFormat,
                message: "must be 1 to \(nameMaxLength) characters of A-Z a-z 0-9 _ . -, got '\(name)'"
            )
        ]
    }

    static func descriptionProblems(_ description: String?, at path: @autoclosure () -> FieldPath) -> [FieldProblem] {
        guard let description, description.utf8.count > descriptionMaxLength, description.count > descriptionMaxLength
        else { return [] }
        return [
            .init(
                field: path(), kind: .outOfRange,
                message: "must be at most \(descriptionMaxLength) characters, got \(description.count)"
            )
        ]
    }

    static func rangeProblems(
        _ value: Int, _ range: ClosedRange<Int>, at path: @autoclosure () -> FieldPath
    ) -> [FieldProblem] {
        guard !range.contains(value) else { return [] }
        return [
            .init(
                field: path(), kind: .outOfRange,
                message: "must be between \(range.lowerBound) and \(range.upperBound), got \(value)"
            )
        ]
    }
}
