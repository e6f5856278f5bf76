import Foundation

/// The JSON Schemas of manifests and the project file, bundled with the tool; `schemas/` links to the same files.
public enum Schemas {
    /// The schemas by name: `manifest` and `project`.
    public static let names = ["manifest", "project"]

    /// The text of the schema called `name`, or nil for an unknown name.
    public static func text(_ name: String) -> String? {
        guard names.contains(name),
            let url = Bundle.module.url(forResource: "\(name).schema", withExtension: "json")
        else { return nil }
        return try? String(contentsOf: url, encoding: .utf8)
    }
}
