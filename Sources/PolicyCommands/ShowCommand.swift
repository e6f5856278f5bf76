import ArgumentParser
import PolicyRendering

/// `mitto-policy show`: a saved plan, rendered as `plan` showed it.
struct ShowCommand: PolicyCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a saved plan (from plan -out FILE) as plan showed it, in text, JSON or Markdown.",
        discussion: """
            Reads only the file: no manifest and no account. The JSON is the same document plan --format json \
            prints (formatVersion \(PlanJSONRenderer.formatVersion)), so a pipeline can review the saved plan \
            with the tools it uses on plans.
            """
    )

    @Option(help: "text, json or markdown (for a pull-request comment).")
    var format: PlanFormat = .text

    @Flag(name: .long, help: "Write no colour codes (NO_COLOR does the same).")
    var noColor = false

    @Argument(help: ArgumentHelp("The saved plan.", valueName: "plan"))
    var file: String

    func run(_ console: Console) async throws {
        guard let saved = try SavedPlan.read(file, console: console) else {
            throw CommandFailure(
                "\(file) is not a saved plan (no such file, or not one): make one with plan -out \(file)")
        }
        switch format {
        case .text: console.write(PlanTextRenderer(style: console.style(noColor: noColor)).render(saved.plan))
        case .json: console.write(PlanJSONRenderer().render(saved.plan))
        case .markdown: console.write(PlanMarkdownRenderer().render(saved.plan))
        }
    }
}
