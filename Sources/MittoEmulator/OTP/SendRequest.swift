import Foundation
import MittoWire
import PolicyModel

/// A checked `POST /2fa/send` body.
struct SendRequest: Sendable {
    var accountSid: String?
    var service: String?
    var from: String?
    var to: String
    var body: String?
    var channel: Channel?
    var workflow: String?
    var subject: String?
    var emailFrom: String?
    var language: String?
    var voice: Voice?
    var `repeat`: Int?
    var limits: [String: String]
    var code: String?
    var codeLength: Int?
    var callbackUrl: String?
    var callbackMethod: String?

    static let fields = [
        "accountSid", "service", "from", "to", "body", "channel", "workflow", "subject", "emailFrom", "language",
        "voice", "repeat", "limits", "code", "codeLength", "callbackUrl", "callbackMethod",
    ]

    /// Reads the body, reporting every problem at once.
    static func read(_ request: APIRequest) throws -> SendRequest {
        var reader = BodyReader(valuesAreText: request.bodyIsForm)
        guard let fields = reader.object(request.body, at: FieldPath(), known: Self.fields) else {
            throw APIError.invalid(reader.problems)
        }
        let to = reader.string(fields, "to", required: true)
        var send = SendRequest(to: to ?? "", limits: [:])
        send.accountSid = reader.filter(fields, "accountSid")
        send.service = reader.string(fields, "service")
        send.from = reader.string(fields, "from")
        send.body = reader.string(fields, "body")
        send.channel = reader.choice(fields, "channel")
        send.workflow = reader.string(fields, "workflow")
        send.subject = reader.string(fields, "subject")
        send.emailFrom = reader.string(fields, "emailFrom")
        send.language = reader.string(fields, "language")
        send.voice = reader.choice(fields, "voice")
        send.repeat = reader.int(fields, "repeat")
        send.code = reader.string(fields, "code")
        send.codeLength = reader.int(fields, "codeLength")
        send.callbackUrl = reader.string(fields, "callbackUrl")
        send.callbackMethod = reader.string(fields, "callbackMethod")?.uppercased()
        send.limits = reader.textMap(fields, "limits")
        var problems = reader.problems
        let path = FieldPath()
        if send.workflow != nil && send.channel != nil {
            problems.append(
                .init(
                    field: path.appending("channel"), kind: .inconsistent, message: "give channel or workflow, not both"
                ))
        }
        if let code = send.code,
            !(PolicyRules.codeLength.contains(code.count) && code.allSatisfy(\.isASCII) && code.allSatisfy(\.isNumber))
        {
            problems.append(
                .init(field: path.appending("code"), kind: .invalidFormat, message: "must be 4 to 10 digits"))
        }
        if to != nil && send.to.trimmingCharacters(in: .whitespaces).isEmpty {
            problems.append(.init(field: path.appending("to"), kind: .missing, message: "must not be empty"))
        }
        if let count = send.repeat, !PolicyRules.callRepeat.contains(count) {
            problems.append(
                .init(
                    field: path.appending("repeat"), kind: .outOfRange, message: "must be between 1 and 5, got \(count)"
                ))
        }
        if let language = send.language, !PolicyRules.isValidLanguage(language) {
            problems.append(
                .init(
                    field: path.appending("language"), kind: .invalidFormat,
                    message: "'\(language)' is not a language tag such as en-US"))
        }
        if let body = send.body, body.count > PolicyRules.bodyMaxLength {
            problems.append(
                .init(
                    field: path.appending("body"), kind: .outOfRange,
                    message: "must be at most \(PolicyRules.bodyMaxLength) characters"))
        }
        if let length = send.codeLength, !PolicyRules.codeLength.contains(length) {
            problems.append(
                .init(
                    field: path.appending("codeLength"), kind: .outOfRange,
                    message: "must be between 4 and 10, got \(length)"))
        }
        if let method = send.callbackMethod, method != "GET" && method != "POST" {
            problems.append(
                .init(field: path.appending("callbackMethod"), kind: .invalidFormat, message: "must be GET or POST"))
        }
        if let url = send.callbackUrl, !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            problems.append(
                .init(
                    field: path.appending("callbackUrl"), kind: .invalidFormat,
                    message: "must be an http:// or https:// URL"))
        }
        guard problems.isEmpty else { throw APIError.invalid(problems) }
        return send
    }
}

extension BodyReader {
    /// A map of text values whose keys are taken as written (limit names), such as `limits`.
    mutating func textMap(_ fields: Fields, _ key: String) -> [String: String] {
        guard let value = fields.values[key] else { return [:] }
        guard case .object(let pairs) = value else {
            report([
                .init(
                    field: fields.path.appending(key), kind: .wrongType,
                    message: "must be an object of name to key value, got \(value.typeName)")
            ])
            return [:]
        }
        var map: [String: String] = [:]
        for (name, item) in pairs {
            switch item {
            case .string(let text): map[name] = text
            case .number(let text): map[name] = text
            default:
                report([
                    .init(
                        field: fields.path.appending(key).appending(name), kind: .wrongType,
                        message: "must be text, got \(item.typeName)")
                ])
            }
        }
        return map
    }
}
