import ArgumentParser
import PolicyManifest

/// `mitto-policy schema`: prints the JSON Schemas editors use for manifests and the project file, and the one tools
/// use for the plan JSON.
struct SchemaCommand: PolicyCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema of manifests, of the project file, or of the plan JSON.",
        discussion: """
            Point an editor at it with a first line such as \
            '# yaml-language-server: $schema=schemas/manifest.schema.json'. The plan schema describes what \
            'plan --format json' prints and 'plan -out' saves.
            """
    )

    @Argument(help: "manifest, project or plan.")
    var name: String = "manifest"

    func validate() throws {
        guard Schemas.names.contains(name) else {
            let choices = Schemas.names.dropLast().joined(separator: ", ") + " or " + (Schemas.names.last ?? "")
            throw ValidationError("unknown schema '\(name)': choose \(choices)")
        }
    }

    func run(_ console: Console) async throws {
        guard let text = Schemas.text(name) else {
            throw CommandFailure("the \(name) schema is missing from this build")
        }
        console.write(text.hasSuffix("\n") ? text : text + "\n")
    }
}
