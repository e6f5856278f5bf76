import ArgumentParser
import MittoClient

/// Ends a command: prints `mitto-policy: error: …` on standard error and exits 1.
func fail(_ message: String, console: Console = Console()) -> ExitCode {
    console.error("mitto-policy: error: \(message)\n")
    return ExitCode(1)
}

/// Runs `body`, turning API and target failures into a one-line error and exit status 1.
func reportingFailures<Result>(_ body: () async throws -> Result) async throws -> Result {
    do {
        return try await body()
    } catch let error as MittoAPIError {
        throw fail(error.description)
    } catch let error as Target.Failure {
        throw fail(error.description)
    }
}
