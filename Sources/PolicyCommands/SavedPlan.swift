import Foundation
import PolicyPlanner

/// A plan written by `plan -out FILE` and read by `apply FILE`: the plan with the fingerprints of the live objects it
/// was made against.
struct SavedPlan: Codable {
    /// Marks the file as a saved plan of this tool.
    static let kind = "mitto-policy-plan"

    var kind: String
    var formatVersion: Int
    var plan: Plan

    init(plan: Plan) {
        self.kind = Self.kind
        self.formatVersion = Plan.formatVersion
        self.plan = plan
    }

    func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path))
    }

    /// The saved plan in `path`, or nil when the file is not one (so it may be a manifest path).
    static func read(_ path: String) throws -> SavedPlan? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
            let data = FileManager.default.contents(atPath: path), data.first == UInt8(ascii: "{")
        else { return nil }
        let saved: SavedPlan
        do {
            saved = try JSONDecoder().decode(SavedPlan.self, from: data)
        } catch {
            throw fail("\(path) is not a saved plan: \(error)")
        }
        guard saved.kind == kind, saved.formatVersion == Plan.formatVersion else {
            throw fail("\(path) is a plan of another format (\(saved.kind) \(saved.formatVersion))")
        }
        return saved
    }
}
