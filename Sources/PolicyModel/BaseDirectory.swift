import Foundation

/// The folder relative paths start from: where a command runs.
///
/// A path a user typed is shown as typed and opened from here, so a command that runs inside another process (a
/// test runs commands in its own process, each in a folder of its own) reads that folder and not the process's
/// current one.
public struct BaseDirectory: Sendable, Equatable {
    /// The folder, or nil for the process's current folder.
    public var path: String?

    /// The process's current folder, whatever it is when a path is opened.
    public static let current = BaseDirectory(path: nil)

    /// A base at `path` (absolute).
    public init(path: String?) {
        self.path = path
    }

    /// Where `path` is on disk: itself when absolute or when the base is the current folder.
    public func resolve(_ path: String) -> String {
        guard let base = self.path, !path.hasPrefix("/") else { return path }
        return path == "." || path.isEmpty ? base : (base as NSString).appendingPathComponent(path)
    }
}
