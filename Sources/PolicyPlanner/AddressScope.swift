public import PolicyModel

/// Which objects a plan covers: `--target` and `--exclude` addresses, `limit.NAME` or `workflow.NAME`, with the
/// globs `ignore` takes (`limit.legacy_*`). With targets, only objects matching one are planned; excluded objects
/// never are. A plan with a scope is partial: what lies outside it is neither shown nor changed.
public struct AddressScope: Hashable, Sendable, Codable {
    /// Addresses to plan; empty: every object.
    public var targets: [String]
    /// Addresses never to plan.
    public var excludes: [String]

    /// Creates a scope.
    public init(targets: [String] = [], excludes: [String] = []) {
        self.targets = targets
        self.excludes = excludes
    }

    /// Whether the scope leaves anything out.
    public var isPartial: Bool { !targets.isEmpty || !excludes.isEmpty }

    /// Whether `address` (or, for a rename, the address it had) is planned.
    public func includes(_ address: ResourceAddress, renamedFrom: String? = nil) -> Bool {
        let addresses = [address] + (renamedFrom.map { [ResourceAddress(address.kind, $0)] } ?? [])
        func matches(_ patterns: [String]) -> Bool {
            addresses.contains { address in patterns.contains { Self.matches($0, address) } }
        }
        if !targets.isEmpty && !matches(targets) { return false }
        return !matches(excludes)
    }

    /// Why `pattern` is not an address pattern, or nil when it is one.
    public static func problem(with pattern: String) -> String? {
        let kinds = ResourceKind.allCases.map(\.rawValue)
        guard let dot = pattern.firstIndex(of: "."), kinds.contains(String(pattern[..<dot])),
            pattern.index(after: dot) < pattern.endIndex
        else {
            return "'\(pattern)' is not an address such as limit.NAME or workflow.NAME (globs as in ignore: "
                + "limit.legacy_*)"
        }
        return nil
    }

    private static func matches(_ pattern: String, _ address: ResourceAddress) -> Bool {
        guard let dot = pattern.firstIndex(of: "."), String(pattern[..<dot]) == address.kind.rawValue else {
            return false
        }
        return Glob.matches(String(pattern[pattern.index(after: dot)...]), address.name)
    }
}
