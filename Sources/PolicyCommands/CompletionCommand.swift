import ArgumentParser

/// `mitto-policy completion`: a shell completion script.
struct CompletionCommand: PolicyCommand {
    static let configuration = CommandConfiguration(
        commandName: "completion",
        abstract: "Print the completion script for bash, zsh or fish.",
        discussion: """
            bash: source <(mitto-policy completion bash), or save it under /etc/bash_completion.d/. zsh: save it as \
            _mitto-policy in a folder of $fpath. fish: save it as ~/.config/fish/completions/mitto-policy.fish.
            """
    )

    /// The shells a script is printed for.
    enum Shell: String, ExpressibleByArgument, CaseIterable {
        case bash
        case zsh
        case fish
    }

    @Argument(help: "bash, zsh or fish.")
    var shell: Shell

    func run(_ console: Console) async throws {
        let script = MittoPolicyCommand.completionScript(for: CompletionShell(rawValue: shell.rawValue) ?? .bash)
        console.write(script.hasSuffix("\n") ? script : script + "\n")
    }
}
