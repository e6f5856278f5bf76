import Foundation

/// The JSON Schemas of manifests, the project file and the plan JSON, bundled with the tool; `schemas/` links to the
/// same files.
public enum Schemas {
    /// The schemas by name: `manifest`, `project` and `plan`.
    public static let names = ["manifest", "project", "plan"]

    /// The text of the schema called `name`, or nil for an unknown name.
    public static func text(_ name: String) -> String? {
        guard names.contains(name),
            let url = Bundle.module.url(forResource: "\(name).schema", withExtension: "json")
        else { return nil }
        return try? String(contentsOf: url, encoding: .utf8)
    }
}
