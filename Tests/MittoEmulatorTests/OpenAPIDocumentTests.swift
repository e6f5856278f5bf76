import Foundation
import MittoEmulator
import MittoTestSupport
import Testing
import YAMLNodes

@Suite("The OpenAPI document matches the server")
struct OpenAPIDocumentTests {
    static let methods = ["get", "put", "post", "delete", "patch", "head", "options"]

    /// `METHOD /path` for every operation the document describes.
    static func documentedOperations(_ text: String) throws -> [String] {
        let root = try #require(try YAMLParser.parse(text, fileName: "mitto-2fa.openapi.yaml").first?.root)
        let paths = try #require(root["paths"]?.mappingPairs)
        var operations: [String] = []
        for (path, item) in paths {
            for (method, _) in item.mappingPairs ?? [] where methods.contains(method.scalarValue ?? "") {
                operations.append("\(method.scalarValue!.uppercased()) \(path.scalarValue!)")
            }
        }
        return operations.sorted()
    }

    @Test("the document served at /2fa/openapi.yaml, without auth, is the one in schemas/")
    func served() async throws {
        try await withRunningEmulator { emulator in
            let response = try await RawHTTP(emulator, account: nil).send("GET", "/2fa/openapi.yaml")
            #expect(response.status == 200)
            #expect(response.headers["content-type"]?.hasPrefix("application/yaml") == true)
            let schemas = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("../../schemas/mitto-2fa.openapi.yaml").standardizedFileURL
            #expect(response.body == (try String(contentsOf: schemas, encoding: .utf8)))
            #expect(response.body.hasPrefix("openapi: 3.1.0"))
        }
    }

    @Test("every route the server has is in the document, and nothing else is")
    func sameOperations() async throws {
        let served = try await withRunningEmulator { emulator in emulator.operations }
        #expect(try Self.documentedOperations(OpenAPIDocument.text) == served)
        #expect(served.count == 23)
    }

    @Test("every documented operation answers, neither 404 for its path nor 405 for its method")
    func everyOperationAnswers() async throws {
        try await withRunningEmulator { emulator in
            let http = RawHTTP(emulator)
            for operation in try Self.documentedOperations(OpenAPIDocument.text) {
                let parts = operation.split(separator: " ", maxSplits: 1)
                let path = parts[1].replacingOccurrences(
                    of: #"\{[A-Za-z]+\}"#, with: "XX00000000000000000000000000000000", options: .regularExpression
                )
                let body = parts[0] == "POST" || parts[0] == "PUT" ? "{}" : nil
                let response = try await http.send(String(parts[0]), path, body: body)
                #expect(response.status != 405, "\(operation): \(response.body)")
                #expect(!response.body.contains("No resource at"), "\(operation): \(response.body)")
            }
        }
    }
}
