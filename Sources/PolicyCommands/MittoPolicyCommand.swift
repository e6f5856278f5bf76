public import ArgumentParser

/// `mitto-policy`: Mitto 2FA limits and workflows as code.
public struct MittoPolicyCommand: AsyncParsableCommand {
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
