import Foundation
import PolicyPlanner
import PolicyRendering

/// A plan written by `plan -out FILE` and read by `apply FILE`: the plan, the account it was made for, and the
/// fingerprints of the live objects it was made against.
///
/// The file is exactly what `plan --format json` prints (`PlanJSONRenderer`, described by
/// `schemas/plan.schema.json`): tools read one shape, and that output can be applied as it is.
struct SavedPlan {
    var plan: Plan

    func write(to path: String, console: Console) throws {
        try Data(PlanJSONRenderer().render(plan).utf8).write(to: URL(fileURLWithPath: console.path(path)))
    }

    private struct Header: Decodable {
        var kind: String?
        var formatVersion: Int?
    }

    /// The saved plan in `path`, or nil when the file is not one (so it may be a manifest path).
    static func read(_ path: String, console: Console) throws -> SavedPlan? {
        let file = console.path(path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), !isDirectory.boolValue,
            let data = FileManager.default.contents(atPath: file), data.first == UInt8(ascii: "{")
        else { return nil }
        let header = try? JSONDecoder().decode(Header.self, from: data)
        guard let header, header.kind == Plan.documentKind else {
            throw CommandFailure("\(path) is not a saved plan of mitto-policy (make one with plan -out \(path))")
        }
        guard header.formatVersion == Plan.formatVersion else {
            throw CommandFailure(
                "\(path) is a saved plan of format \(header.formatVersion.map(String.init) ?? "?"); this version "
                    + "applies format \(Plan.formatVersion). Make the plan again with this version.")
        }
        do {
            return SavedPlan(plan: try JSONDecoder().decode(Plan.self, from: data))
        } catch {
            throw CommandFailure("\(path) is not a readable saved plan: \(error)")
        }
    }
}
