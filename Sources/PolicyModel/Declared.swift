/// A limit or workflow as a manifest declares it, with where it was declared.
public struct Declared<Value: Hashable & Sendable>: Hashable, Sendable {
    /// The object.
    public var value: Value
    /// The name the object has in the account now, when the manifest renames it.
    public var previousName: String?
    /// The place of the object's name in its manifest.
    public var location: SourceLocation

    /// Creates a declaration.
    public init(_ value: Value, previousName: String? = nil, location: SourceLocation) {
        self.value = value
        self.previousName = previousName
        self.location = location
    }
}

/// Everything a set of manifests declares, in a stable order (by name).
public struct ManifestSet: Hashable, Sendable {
    /// The limits, sorted by name.
    public var limits: [Declared<Limit>]
    /// The workflows, sorted by name.
    public var workflows: [Declared<Workflow>]
    /// The files read, in reading order.
    public var files: [String]
    /// The policy tests, in reading order.
    public var tests: [PolicyTest]

    /// Creates a set.
    public init(
        limits: [Declared<Limit>] = [], workflows: [Declared<Workflow>] = [], files: [String] = [],
        tests: [PolicyTest] = []
    ) {
        self.limits = limits
        self.workflows = workflows
        self.files = files
        self.tests = tests
    }
}
