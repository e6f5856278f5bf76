public import PolicyModel

/// The outcome of checking files: what was read, what it declares, and every diagnostic.
public struct DiagnosticsReport: Sendable {
    /// The files checked, in reading order.
    public var files: [String]
    /// How many limits and workflows they declare.
    public var limitCount: Int
    /// How many workflows they declare.
    public var workflowCount: Int
    /// Every diagnostic, sorted by place.
    public var diagnostics: [Diagnostic]
    /// Each file's text, for showing source lines.
    public var sources: [String: String]

    /// Creates a report.
    public init(
        files: [String], limitCount: Int, workflowCount: Int, diagnostics: [Diagnostic], sources: [String: String]
    ) {
        self.files = files
        self.limitCount = limitCount
        self.workflowCount = workflowCount
        self.diagnostics = diagnostics
        self.sources = sources
    }

    /// Errors in the report.
    public var errorCount: Int { diagnostics.count { $0.severity == .error } }
    /// Warnings in the report.
    public var warningCount: Int { diagnostics.count { $0.severity == .warning } }
}
