import ArgumentParser
import PolicyManifest

/// `mitto-policy schema`: prints the JSON Schemas editors use for manifests and the project file.
struct SchemaCommand: PolicyCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema of manifests or of the project file.",
        discussion: """
            Point an editor at it with a first line such as \
            '# yaml-language-server: $schema=schemas/manifest.schema.json'.
            """
    )

    @Argument(help: "manifest or project.")
    var name: String = "manifest"

    func validate() throws {
        guard Schemas.names.contains(name) else {
            throw ValidationError("unknown schema '\(name)': choose \(Schemas.names.joined(separator: " or "))")
        }
    }

    func run(_ console: Console) async throws {
        guard let text = Schemas.text(name) else {
            throw CommandFailure("the \(name) schema is missing from this build")
        }
        console.write(text.hasSuffix("\n") ? text : text + "\n")
    }
}
