public import PolicySimulation

/// Policy test results for a terminal: a line per test, each failure at its `file:line:column` with what was
/// expected and what happened, and the totals.
public struct PolicyTestTextRenderer: ReportRenderer {
    /// Colour or not.
    public var style: TextStyle

    /// Creates a renderer.
    public init(style: TextStyle = .plain) {
        self.style = style
    }

    /// The results as text, ending with a newline.
    public func render(_ results: [PolicyTestResult]) -> String {
        var lines: [String] = []
        for result in results {
            let sends = "(\(result.sends) send\(result.sends == 1 ? "" : "s"))"
            if result.passed {
                lines.append(style.green("PASS") + " \(result.name) " + style.dim(sends))
                continue
            }
            lines.append(style.red("FAIL") + " \(result.name) " + style.dim(sends))
            for failure in result.failures {
                lines.append(
                    "  \(failure.location): \(failure.send): expected \(failure.expected), got \(failure.actual)")
            }
        }
        lines.append("")
        lines.append(Self.summary(results))
        return lines.joined(separator: "\n") + "\n"
    }

    /// `Tests: 3 passed, 1 failed.`
    static func summary(_ results: [PolicyTestResult]) -> String {
        let failed = results.filter { !$0.passed }.count
        guard !results.isEmpty else { return "Tests: none declared." }
        return "Tests: \(results.count - failed) passed, \(failed) failed."
    }
}

/// Policy test results as JSON: `formatVersion`, a summary, and per test its place, sends and failures.
public struct PolicyTestJSONRenderer: ReportRenderer {
    /// The version of this JSON shape.
    public static let formatVersion = 1

    /// Creates a renderer.
    public init() {}

    private struct Document: Encodable {
        struct Summary: Encodable {
            var tests: Int
            var passed: Int
            var failed: Int
        }

        struct Test: Encodable {
            var name: String
            var file: String
            var line: Int
            var column: Int
            var passed: Bool
            var sends: Int
            var failures: [Failure]
        }

        struct Failure: Encodable {
            var file: String
            var line: Int
            var column: Int
            var send: String
            var expected: String
            var actual: String
        }

        var formatVersion: Int
        var summary: Summary
        var tests: [Test]
    }

    /// The results as pretty-printed JSON with sorted keys, ending in a newline.
    public func render(_ results: [PolicyTestResult]) -> String {
        let failed = results.filter { !$0.passed }.count
        return JSONDocument.text(
            Document(
                formatVersion: Self.formatVersion,
                summary: .init(tests: results.count, passed: results.count - failed, failed: failed),
                tests: results.map { result in
                    .init(
                        name: result.name, file: result.location.file, line: result.location.line,
                        column: result.location.column, passed: result.passed, sends: result.sends,
                        failures: result.failures.map {
                            .init(
                                file: $0.location.file, line: $0.location.line, column: $0.location.column,
                                send: $0.send, expected: $0.expected, actual: $0.actual)
                        })
                }))
    }
}
