public import PolicyModel

// The list pages' types read by `JSONPullReader`, field for field as their `Decodable` conformances read them:
// unknown keys are skipped, optional fields may be missing or null, and a missing required field fails.

extension Bucket: JSONPullDecodable {
    private static let requiredFields: [StaticString] = ["name", "max", "interval"]

    public init(json reader: inout JSONPullReader) throws(JSONPullReader.Failure) {
        var name = ""
        var max = 0
        var interval = 0
        var required = RequiredFields()
        try reader.object { key, reader throws(JSONPullReader.Failure) in
            switch key {
            case "name":
                name = try reader.string()
                required.saw(0)
            case "max":
                max = try reader.int()
                required.saw(1)
            case "interval":
                interval = try reader.int()
                required.saw(2)
            default: try reader.skip()
            }
        }
        try required.check(Self.requiredFields, at: reader.offset)
        self.init(name: name, max: max, interval: interval)
    }
}

extension Step: JSONPullDecodable {
    private static let requiredFields: [StaticString] = ["channel", "timeout", "body"]

    public init(json reader: inout JSONPullReader) throws(JSONPullReader.Failure) {
        var step = Step(channel: .sms, timeout: 0, body: "")
        var required = RequiredFields()
        try reader.object { key, reader throws(JSONPullReader.Failure) in
            switch key {
            case "channel":
                let offset = reader.offset
                guard let channel = Channel(rawValue: try reader.string()) else {
                    throw JSONPullReader.Failure(message: "an unknown channel", offset: offset)
                }
                step.channel = channel
                required.saw(0)
            case "timeout":
                step.timeout = try reader.int()
                required.saw(1)
            case "body":
                step.body = try reader.string()
                required.saw(2)
            case "from": step.from = try reader.optionalString()
            case "language": step.language = try reader.optionalString()
            case "voice":
                let offset = reader.offset
                if let text = try reader.optionalString() {
                    guard let voice = Voice(rawValue: text) else {
                        throw JSONPullReader.Failure(message: "an unknown voice", offset: offset)
                    }
                    step.voice = voice
                }
            case "repeat": step.repeat = try reader.optionalInt()
            case "emailFrom": step.emailFrom = try reader.optionalString()
            case "subject": step.subject = try reader.optionalString()
            default: try reader.skip()
            }
        }
        try required.check(Self.requiredFields, at: reader.offset)
        self = step
    }
}

extension LimitResource: JSONPullDecodable {
    private static let requiredFields: [StaticString] = [
        "sid", "accountSid", "name", "buckets", "dateCreated", "dateUpdated", "uri",
    ]

    public init(json reader: inout JSONPullReader) throws(JSONPullReader.Failure) {
        var fields = (sid: "", accountSid: "", name: "", dateCreated: "", dateUpdated: "", uri: "")
        var description: String?
        var buckets: [Bucket] = []
        var required = RequiredFields()
        try reader.object { key, reader throws(JSONPullReader.Failure) in
            switch key {
            case "sid":
                fields.sid = try reader.string()
                required.saw(0)
            case "accountSid":
                fields.accountSid = try reader.string()
                required.saw(1)
            case "name":
                fields.name = try reader.string()
                required.saw(2)
            case "description": description = try reader.optionalString()
            case "buckets":
                try reader.array { reader throws(JSONPullReader.Failure) in buckets.append(try Bucket(json: &reader)) }
                required.saw(3)
            case "dateCreated":
                fields.dateCreated = try reader.string()
                required.saw(4)
            case "dateUpdated":
                fields.dateUpdated = try reader.string()
                required.saw(5)
            case "uri":
                fields.uri = try reader.string()
                required.saw(6)
            default: try reader.skip()
            }
        }
        try required.check(Self.requiredFields, at: reader.offset)
        self.init(
            sid: fields.sid, accountSid: fields.accountSid, name: fields.name, description: description,
            buckets: buckets, dateCreated: fields.dateCreated, dateUpdated: fields.dateUpdated, uri: fields.uri
        )
    }
}

extension WorkflowResource: JSONPullDecodable {
    private static let requiredFields: [StaticString] = [
        "sid", "accountSid", "name", "codeLength", "codeTtl", "maxAttempts", "steps", "dateCreated",
        "dateUpdated", "uri",
    ]

    public init(json reader: inout JSONPullReader) throws(JSONPullReader.Failure) {
        var fields = (sid: "", accountSid: "", name: "", dateCreated: "", dateUpdated: "", uri: "")
        var workflow = Workflow(name: "", description: nil, codeLength: 0, codeTtl: 0, maxAttempts: 0, steps: [])
        var required = RequiredFields()
        try reader.object { key, reader throws(JSONPullReader.Failure) in
            switch key {
            case "sid":
                fields.sid = try reader.string()
                required.saw(0)
            case "accountSid":
                fields.accountSid = try reader.string()
                required.saw(1)
            case "name":
                workflow.name = try reader.string()
                required.saw(2)
            case "description": workflow.description = try reader.optionalString()
            case "codeLength":
                workflow.codeLength = try reader.int()
                required.saw(3)
            case "codeTtl":
                workflow.codeTtl = try reader.int()
                required.saw(4)
            case "maxAttempts":
                workflow.maxAttempts = try reader.int()
                required.saw(5)
            case "steps":
                try reader.array { reader throws(JSONPullReader.Failure) in
                    workflow.steps.append(try Step(json: &reader))
                }
                required.saw(6)
            case "dateCreated":
                fields.dateCreated = try reader.string()
                required.saw(7)
            case "dateUpdated":
                fields.dateUpdated = try reader.string()
                required.saw(8)
            case "uri":
                fields.uri = try reader.string()
                required.saw(9)
            default: try reader.skip()
            }
        }
        try required.check(Self.requiredFields, at: reader.offset)
        self.init(
            sid: fields.sid, accountSid: fields.accountSid, workflow: workflow, dateCreated: fields.dateCreated,
            dateUpdated: fields.dateUpdated, uri: fields.uri
        )
    }
}

extension SearchPage: JSONPullDecodable where Item: JSONPullDecodable {
    // Generic types have no stored statics; this is read once per page.
    private static var requiredFields: [StaticString] {
        ["code", "message", "items", "page", "pageSize", "total", "numPages"]
    }

    public init(json reader: inout JSONPullReader) throws(JSONPullReader.Failure) {
        var items: [Item] = []
        var numbers = (code: 0, page: 0, pageSize: 0, total: 0, numPages: 0)
        var message = ""
        var nextPageUri: String?
        var required = RequiredFields()
        try reader.object { key, reader throws(JSONPullReader.Failure) in
            switch key {
            case "code":
                numbers.code = try reader.int()
                required.saw(0)
            case "message":
                message = try reader.string()
                required.saw(1)
            case Item.listKey:
                try reader.array { reader throws(JSONPullReader.Failure) in items.append(try Item(json: &reader)) }
                required.saw(2)
            case "page":
                numbers.page = try reader.int()
                required.saw(3)
            case "pageSize":
                numbers.pageSize = try reader.int()
                required.saw(4)
            case "total":
                numbers.total = try reader.int()
                required.saw(5)
            case "numPages":
                numbers.numPages = try reader.int()
                required.saw(6)
            case "nextPageUri": nextPageUri = try reader.optionalString()
            default: try reader.skip()
            }
        }
        try required.check(Self.requiredFields, at: reader.offset)
        self.init(
            items: items, page: numbers.page, pageSize: numbers.pageSize, total: numbers.total,
            numPages: numbers.numPages, nextPageUri: nextPageUri
        )
        self.code = numbers.code
        self.message = message
    }
}

extension LimitEnvelope: JSONPullDecodable {
    public init(json reader: inout JSONPullReader) throws(JSONPullReader.Failure) {
        let (code, message, limit) = try reader.envelope("limit", of: LimitResource.self)
        self.init(limit: limit)
        (self.code, self.message) = (code, message)
    }
}

extension WorkflowEnvelope: JSONPullDecodable {
    public init(json reader: inout JSONPullReader) throws(JSONPullReader.Failure) {
        let (code, message, workflow) = try reader.envelope("workflow", of: WorkflowResource.self)
        self.init(workflow: workflow)
        (self.code, self.message) = (code, message)
    }
}

extension JSONPullReader {
    /// Reads `{"code": …, "message": …, "<key>": {…}}`, the shape of every single-object answer.
    mutating func envelope<Item: JSONPullDecodable>(
        _ key: String, of type: Item.Type
    ) throws(Failure) -> (code: Int, message: String, item: Item) {
        var (code, message) = (0, "")
        var item: Item?
        var required = RequiredFields()
        try object { field, reader throws(Failure) in
            switch field {
            case "code":
                code = try reader.int()
                required.saw(0)
            case "message":
                message = try reader.string()
                required.saw(1)
            case key:
                item = try Item(json: &reader)
            default: try reader.skip()
            }
        }
        try required.check(["code", "message"], at: offset)
        guard let item else { throw Failure(message: "the field '\(key)' is missing", offset: offset) }
        return (code, message, item)
    }
}
