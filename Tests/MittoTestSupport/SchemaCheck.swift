import Foundation

/// Validates JSON documents against the JSON Schemas in `schemas/` with `scripts/check-schema.py` (Python's
/// jsonschema, which `scripts/bootstrap` installs).
public enum SchemaCheck {
    /// The errors per document, in order (`<json pointer>: <message>`; none when it is valid), from one run.
    public static func errors(_ documents: [String], schema: String) throws -> [[String]] {
        let request = #"{"schema":"\#(schema)","documents":[\#(documents.joined(separator: ","))]}"#
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", CommandRunner.packageRoot.appendingPathComponent("scripts/check-schema.py").path,
        ]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(request.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ProcessError(
                "check-schema.py exited \(process.terminationStatus): run scripts/bootstrap for jsonschema")
        }
        var lines = String(decoding: data, as: UTF8.self).split(separator: "\n").makeIterator()
        return documents.map { _ in
            guard let line = lines.next(),
                let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            else { return ["no answer"] }
            return object["errors"] as? [String] ?? []
        }
    }
}
