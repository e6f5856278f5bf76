public import ArgumentParser

/// `mitto-policy`: Mitto 2FA limits and workflows as code.
public struct MittoPolicyCommand: ParsableCommand {
    /// The command's name, help and subcommands.
    public static let configuration = CommandConfiguration(
        commandName: "mitto-policy",
        abstract: "Keep Mitto 2FA limits and workflows in git: validate, plan and apply YAML manifests.",
        discussion: """
            Without --env the target is the embedded emulator (state in .mitto-policy/), so no account is needed \
            and a forgotten --env never touches a real one.
            """,
        version: "0.1.0",
        subcommands: [
            ValidateCommand.self, TestCommand.self, PlanCommand.self, ApplyCommand.self, DriftCommand.self,
            ExportCommand.self,
            SimulateCommand.self, ExportTrafficCommand.self, ImportCommand.self, ShowCommand.self, SchemaCommand.self,
            CompletionCommand.self,
        ]
    )

    /// Creates the command; ArgumentParser fills it in.
    public init() {}
}

/// A subcommand: it runs with the console it is given and ends by returning or by throwing ``CommandFailure``.
protocol PolicyCommand: ParsableCommand {
    func run(_ console: Console) async throws
}

/// Runs `mitto-policy` commands: parses the arguments, runs the command with a console, and is the one place that
/// prints how a command failed and decides its exit status.
public enum MittoPolicy {
    /// Runs the command `arguments` name (without the program's name) and returns its exit status.
    public static func run(_ arguments: [String], console: Console) async -> Int32 {
        let parsed: any ParsableCommand
        do {
            parsed = try MittoPolicyCommand.parseAsRoot(arguments)
        } catch {
            return usage(error, console: console)
        }
        guard let command = parsed as? any PolicyCommand else {
            // `mitto-policy` alone: ArgumentParser answers with the help.
            var command = parsed
            do {
                try command.run()
                return 0
            } catch {
                return usage(error, console: console)
            }
        }
        do {
            try await command.run(console)
            return 0
        } catch {
            if let failure = CommandFailure.reporting(error) {
                if let message = failure.message { console.error("mitto-policy: error: \(message)\n") }
                return failure.status
            }
            if error is ValidationError || error is CleanExit || error is ExitCode {
                return usage(error, console: console)
            }
            console.error("mitto-policy: error: \(error)\n")
            return 1
        }
    }

    /// ArgumentParser's answer to a parse error, `--help` or `--version`: help on standard output, errors with the
    /// usage on standard error.
    private static func usage(_ error: any Error, console: Console) -> Int32 {
        let text = MittoPolicyCommand.fullMessage(for: error)
        let status = MittoPolicyCommand.exitCode(for: error)
        if !text.isEmpty {
            if status.isSuccess { console.write(text + "\n") } else { console.error(text + "\n") }
        }
        return status.rawValue
    }
}
