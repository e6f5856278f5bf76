public import Foundation
public import PolicyModel
import PolicyRendering

/// Where a command writes and what it may read of its surroundings: standard output for results, standard error
/// for progress and problems, standard input for a question, the environment's variables and the folder it runs in.
///
/// Commands are handed one, never reach for the process's own: `process` is the real terminal, and a test passes
/// one that collects what is written (``MittoPolicy/run(_:console:)``), so commands run in the test's process.
public struct Console: Sendable {
    /// Writes to standard output.
    public var write: @Sendable (String) -> Void
    /// Writes to standard error.
    public var error: @Sendable (String) -> Void
    /// Reads one line of standard input, or nil at its end.
    public var readLine: @Sendable () -> String?
    /// Whether standard output is a terminal.
    public var isTerminal: Bool
    /// Whether standard error is a terminal.
    public var isErrorTerminal: Bool
    /// Whether standard input is a terminal, so a question can be answered.
    public var isInputTerminal: Bool
    /// The environment's variables: keys from `apiKey: ${env:…}`, `NO_COLOR`, `TERM`.
    public var environment: [String: String]
    /// Where relative paths start.
    public var directory: BaseDirectory

    /// A console of the given parts.
    public init(
        write: @escaping @Sendable (String) -> Void, error: @escaping @Sendable (String) -> Void,
        readLine: @escaping @Sendable () -> String? = { nil }, isTerminal: Bool = false,
        isErrorTerminal: Bool = false, isInputTerminal: Bool = false, environment: [String: String] = [:],
        directory: BaseDirectory = .current
    ) {
        self.write = write
        self.error = error
        self.readLine = readLine
        self.isTerminal = isTerminal
        self.isErrorTerminal = isErrorTerminal
        self.isInputTerminal = isInputTerminal
        self.environment = environment
        self.directory = directory
    }

    /// This process's terminal, environment and current folder.
    public static var process: Console {
        Console(
            write: { FileHandle.standardOutput.write(Data($0.utf8)) },
            error: { FileHandle.standardError.write(Data($0.utf8)) },
            readLine: { Swift.readLine(strippingNewline: true) },
            isTerminal: isatty(STDOUT_FILENO) == 1, isErrorTerminal: isatty(STDERR_FILENO) == 1,
            isInputTerminal: isatty(STDIN_FILENO) == 1, environment: ProcessInfo.processInfo.environment,
            directory: .current
        )
    }

    /// Colour when writing to a terminal, unless `NO_COLOR` is set or `--no-color` was given.
    func style(noColor: Bool) -> TextStyle {
        let disabled = noColor || environment["NO_COLOR"].map { !$0.isEmpty } == true || environment["TERM"] == "dumb"
        return TextStyle(usesColor: !disabled && isTerminal)
    }

    /// The style of what goes to standard error: colour only when that is a terminal too.
    func errorStyle(noColor: Bool) -> TextStyle {
        TextStyle(usesColor: style(noColor: noColor).usesColor && isErrorTerminal)
    }

    /// Where a path the user gave is on disk (relative ones start at `directory`).
    func path(_ path: String) -> String {
        directory.resolve(path)
    }
}
