public import ArgumentParser

/// `mitto-emulator`: the Mitto 2FA API on this machine.
public struct EmulatorCommand: AsyncParsableCommand {
    /// The command's name, help and subcommands.
    public static let configuration = CommandConfiguration(
        commandName: "mitto-emulator",
        abstract: "Serve the Mitto 2FA API on this machine: a test double and a sandbox for policies.",
        version: "0.1.0",
        subcommands: [Serve.self],
        defaultSubcommand: Serve.self
    )

    /// Creates the command; ArgumentParser fills it in.
    public init() {}
}
