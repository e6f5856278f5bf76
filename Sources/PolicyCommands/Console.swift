import Foundation
import PolicyRendering

/// Where a command writes: standard output for results, standard error for progress and problems.
struct Console: Sendable {
    /// Whether standard output is a terminal.
    var isTerminal: Bool { isatty(STDOUT_FILENO) == 1 }
    /// Whether standard error is a terminal.
    var isErrorTerminal: Bool { isatty(STDERR_FILENO) == 1 }
    /// Whether standard input is a terminal, so a question can be answered.
    var isInputTerminal: Bool { isatty(STDIN_FILENO) == 1 }

    /// One line from standard input, or nil at its end.
    func readLine() -> String? {
        Swift.readLine(strippingNewline: true)
    }

    /// Colour when writing to a terminal, unless `NO_COLOR` is set or `--no-color` was given.
    func style(noColor: Bool) -> TextStyle {
        let environment = ProcessInfo.processInfo.environment
        let disabled = noColor || environment["NO_COLOR"].map { !$0.isEmpty } == true || environment["TERM"] == "dumb"
        return TextStyle(usesColor: !disabled && isTerminal)
    }

    func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    func error(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
