/// One problem found in the user's files, reported like a compiler does: where, how bad, what, and how to fix it.
public struct Diagnostic: Hashable, Sendable, Codable {
    /// How bad a diagnostic is.
    public enum Severity: String, Hashable, Sendable, Codable, Comparable {
        /// The files cannot be used; `validate` exits 1.
        case error
        /// Legal, but probably not what was meant.
        case warning

        public static func < (lhs: Severity, rhs: Severity) -> Bool {
            lhs == .error && rhs == .warning
        }
    }

    /// A secondary place that explains the diagnostic, such as the first definition of a duplicate.
    public struct Note: Hashable, Sendable, Codable {
        /// What the place shows.
        public var message: String
        /// The place.
        public var location: SourceLocation?

        /// Creates a note.
        public init(_ message: String, at location: SourceLocation? = nil) {
            self.message = message
            self.location = location
        }
    }

    /// Error or warning.
    public var severity: Severity
    /// A stable, kebab-case identifier such as `unknown-key`, for tools and tests.
    public var code: String
    /// One sentence for a person.
    public var message: String
    /// Where the problem is; nil for problems of no particular place (a missing file).
    public var location: SourceLocation?
    /// A suggestion, such as `did you mean 'interval'?`.
    public var hint: String?
    /// Related places.
    public var notes: [Note]

    /// Creates a diagnostic.
    public init(
        _ severity: Severity, code: String, _ message: String, at location: SourceLocation?, hint: String? = nil,
        notes: [Note] = []
    ) {
        self.severity = severity
        self.code = code
        self.message = message
        self.location = location
        self.hint = hint
        self.notes = notes
    }

    /// An error.
    public static func error(
        _ code: String, _ message: String, at location: SourceLocation?, hint: String? = nil, notes: [Note] = []
    ) -> Diagnostic {
        Diagnostic(.error, code: code, message, at: location, hint: hint, notes: notes)
    }

    /// A warning.
    public static func warning(
        _ code: String, _ message: String, at location: SourceLocation?, hint: String? = nil, notes: [Note] = []
    ) -> Diagnostic {
        Diagnostic(.warning, code: code, message, at: location, hint: hint, notes: notes)
    }
}

extension Array where Element == Diagnostic {
    /// Whether any diagnostic is an error.
    public var hasErrors: Bool { contains { $0.severity == .error } }

    /// Sorted by file, line and column; diagnostics without a place first.
    public var sortedByLocation: [Diagnostic] {
        // Positions are sorted, not the diagnostics, which are large to move; a list already in order (what the
        // loader makes of one file) is returned as it is.
        func inOrder(_ i: Int, _ j: Int) -> Bool {
            switch (self[i].location, self[j].location) {
            case (nil, nil): return i < j
            case (nil, _): return true
            case (_, nil): return false
            case (let a?, let b?): return a == b ? i < j : a < b
            }
        }
        if indices.dropFirst().allSatisfy({ inOrder($0 - 1, $0) }) { return Array(self) }
        return indices.sorted(by: inOrder).map { self[$0] }
    }
}

/// A diagnostic can end an operation on its own, such as a file that cannot be read.
extension Diagnostic: Error {}
