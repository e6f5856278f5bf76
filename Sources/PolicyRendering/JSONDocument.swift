import Foundation
import PolicyModel
import PolicyPlanner

/// The JSON output's building blocks, spelled out rather than borrowed from the model's `Codable`, so the contract
/// with tools changes only when a renderer says so.
enum JSONDocument {
    /// Pretty-printed JSON with sorted keys and unescaped slashes, ending in a newline.
    static func text(_ document: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(document) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// A limit or workflow with its fields as manifests name them; durations in seconds.
    struct Object: Encodable {
        struct Bucket: Encodable {
            var name: String
            var max: Int
            var interval: Int
        }

        struct Step: Encodable {
            var channel: String
            var timeout: Int
            var from: String?
            var body: String
            var language: String?
            var voice: String?
            var `repeat`: Int?
            var emailFrom: String?
            var subject: String?
        }

        var name: String
        var description: String?
        var buckets: [Bucket]?
        var codeLength: Int?
        var codeTtl: Int?
        var maxAttempts: Int?
        var steps: [Step]?

        init(_ object: PolicyObject) {
            switch object {
            case .limit(let limit):
                name = limit.name
                description = limit.description
                buckets = limit.buckets.map { .init(name: $0.name, max: $0.max, interval: $0.interval) }
            case .workflow(let workflow):
                name = workflow.name
                description = workflow.description
                codeLength = workflow.codeLength
                codeTtl = workflow.codeTtl
                maxAttempts = workflow.maxAttempts
                steps = workflow.steps.map {
                    .init(
                        channel: $0.channel.rawValue, timeout: $0.timeout, from: $0.from, body: $0.body,
                        language: $0.language, voice: $0.voice?.rawValue, repeat: $0.repeat, emailFrom: $0.emailFrom,
                        subject: $0.subject
                    )
                }
            }
        }
    }

    /// Where a manifest declares an object.
    struct Source: Encodable {
        var file: String
        var line: Int
        var column: Int

        init(_ location: SourceLocation) {
            file = location.file
            line = location.line
            column = location.column
        }
    }

    /// A field's value: a number, a string, or `null` when absent on that side.
    struct Value: Encodable {
        var value: FieldValue

        init(_ value: FieldValue) {
            self.value = value
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch value {
            case .int(let number): try container.encode(number)
            case .text(let text): try container.encode(text)
            case .none: try container.encodeNil()
            }
        }
    }
}
