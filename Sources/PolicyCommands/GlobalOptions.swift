import ArgumentParser

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The environment from the project file; without it, the embedded emulator ('local').", valueName: "name"
        )
    )
    var env: String?

    @Option(
        name: .long,
        help: ArgumentHelp("The project file (default: mitto-policy.yaml in the current folder).", valueName: "file")
    )
    var project: String?

    @Flag(name: .long, help: "Write no colour codes (NO_COLOR does the same).")
    var noColor = false
}

/// Output formats of commands that report.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
}
