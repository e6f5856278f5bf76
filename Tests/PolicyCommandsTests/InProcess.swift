import Foundation
import MittoTestSupport
import PolicyCommands
import PolicyModel

/// Runs `mitto-policy` commands inside the test process, as the binary runs them, with a console that collects what
/// they write: in `directory` (the package root by default), with only `environment`'s variables, standard input
/// read from `input`, and standard output, error and input all terminals or none.
enum InProcess {
    static func run(
        _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:], input: String? = nil,
        terminal: Bool = false
    ) async throws -> CommandResult {
        let output = LockedValue("")
        let errors = LockedValue("")
        let lines = LockedValue(input.map { $0.split(separator: "\n", omittingEmptySubsequences: false) } ?? [])
        let console = Console(
            write: { text in output.withLock { $0 += text } },
            error: { text in errors.withLock { $0 += text } },
            readLine: { lines.withLock { $0.isEmpty ? nil : String($0.removeFirst()) } },
            isTerminal: terminal, isErrorTerminal: terminal, isInputTerminal: terminal, environment: environment,
            directory: BaseDirectory(path: (directory ?? CommandRunner.packageRoot).path)
        )
        let status = await MittoPolicy.run(arguments, console: console)
        return CommandResult(status: status, stdout: output.value, stderr: errors.value)
    }
}
