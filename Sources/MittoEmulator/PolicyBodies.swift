import MittoWire
import PolicyModel

/// Reading limit and workflow request bodies into the model, with every problem the API reports as `details`.
enum PolicyBodies {
    /// A limit and the optional `accountSid` it is for, or the problems with the body.
    static func limit(from request: APIRequest) -> Result<(Limit, accountSid: String?), APIError> {
        var reader = BodyReader(valuesAreText: request.bodyIsForm)
        guard
            let fields = reader.object(
                request.body, at: FieldPath(), known: ["name", "description", "buckets", "accountSid"]
            )
        else { return .failure(.invalid(reader.problems)) }
        let name = reader.string(fields, "name", required: true)
        let description = reader.string(fields, "description")
        let accountSid = reader.filter(fields, "accountSid")
        var buckets: [Bucket] = []
        for (index, item) in (reader.list(fields, "buckets", required: true) ?? []).enumerated() {
            let path = FieldPath([.key("buckets"), .index(index)])
            guard let bucket = reader.object(item, at: path, known: ["name", "max", "interval"]) else { continue }
            let bucketName = reader.string(bucket, "name", required: true)
            let max = reader.int(bucket, "max", required: true)
            let interval = reader.int(bucket, "interval", required: true)
            if let bucketName, let max, let interval {
                buckets.append(Bucket(name: bucketName, max: max, interval: interval))
            }
        }
        guard reader.problems.isEmpty, let name else { return .failure(.invalid(reader.problems)) }
        let limit = Limit(name: name, description: description, buckets: buckets)
        let problems = PolicyRules.problems(in: limit)
        return problems.isEmpty ? .success((limit, accountSid)) : .failure(.invalid(problems))
    }

    /// A workflow and the optional `accountSid` it is for, or the problems with the body.
    static func workflow(from request: APIRequest) -> Result<(Workflow, accountSid: String?), APIError> {
        var reader = BodyReader(valuesAreText: request.bodyIsForm)
        guard
            let fields = reader.object(
                request.body, at: FieldPath(),
                known: ["name", "description", "codeLength", "codeTtl", "maxAttempts", "steps", "accountSid"]
            )
        else { return .failure(.invalid(reader.problems)) }
        let name = reader.string(fields, "name", required: true)
        let description = reader.string(fields, "description")
        let codeLength = reader.int(fields, "codeLength") ?? PolicyRules.codeLengthDefault
        let codeTtl = reader.int(fields, "codeTtl") ?? PolicyRules.codeTtlDefault
        let maxAttempts = reader.int(fields, "maxAttempts") ?? PolicyRules.maxAttemptsDefault
        let accountSid = reader.filter(fields, "accountSid")
        var steps: [Step] = []
        for (index, item) in (reader.list(fields, "steps", required: true) ?? []).enumerated() {
            if let step = self.step(item, at: FieldPath([.key("steps"), .index(index)]), reader: &reader) {
                steps.append(step)
            }
        }
        guard reader.problems.isEmpty, let name else { return .failure(.invalid(reader.problems)) }
        let workflow = Workflow(
            name: name, description: description, codeLength: codeLength, codeTtl: codeTtl, maxAttempts: maxAttempts,
            steps: steps
        )
        let problems = PolicyRules.problems(in: workflow)
        return problems.isEmpty ? .success((workflow, accountSid)) : .failure(.invalid(problems))
    }

    private static func step(_ value: WireValue, at path: FieldPath, reader: inout BodyReader) -> Step? {
        let known = ["channel", "timeout", "from", "body", "language", "voice", "repeat", "emailFrom", "subject"]
        guard let fields = reader.object(value, at: path, known: known) else { return nil }
        let channel: Channel? = reader.choice(fields, "channel", required: true)
        let timeout = reader.int(fields, "timeout", required: true)
        let from = reader.string(fields, "from")
        let body = reader.string(fields, "body", required: true)
        let language = reader.string(fields, "language")
        let voice: Voice? = reader.choice(fields, "voice")
        let count = reader.int(fields, "repeat")
        let emailFrom = reader.string(fields, "emailFrom")
        let subject = reader.string(fields, "subject")
        guard let channel, let timeout, let body else { return nil }
        return Step(
            channel: channel, timeout: timeout, from: from, body: body, language: language, voice: voice,
            repeat: count, emailFrom: emailFrom, subject: subject
        )
    }
}
