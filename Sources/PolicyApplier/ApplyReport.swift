public import PolicyModel
public import PolicyPlanner

/// What happened to each change of an applied plan.
public struct ApplyReport: Hashable, Sendable, Codable {
    /// The version of the JSON shape.
    public static let formatVersion = 1

    /// The outcome of one change.
    public struct Result: Hashable, Sendable, Codable {
        /// Done, failed, or not attempted.
        public enum Status: String, Hashable, Sendable, Codable {
            /// The API confirmed the call.
            case applied
            /// The call failed; `error` says how. The object may be as before, or (after a lost answer) changed.
            case failed
            /// Not attempted, because an earlier phase failed or the run was stopped.
            case skipped
        }

        /// The object.
        public var address: ResourceAddress
        /// Create, update or delete.
        public var action: ChangeAction
        /// What happened.
        public var status: Status
        /// The object's sid after the call (a created object's new sid).
        public var sid: String?
        /// The API's error, for failures; never holds credentials.
        public var error: String?

        /// Creates a result.
        public init(
            address: ResourceAddress, action: ChangeAction, status: Status, sid: String? = nil, error: String? = nil
        ) {
            self.address = address
            self.action = action
            self.status = status
            self.sid = sid
            self.error = error
        }
    }

    /// The JSON shape's version.
    public var formatVersion: Int
    /// The environment applied to.
    public var environment: String
    /// One result per planned change, in plan order.
    public var results: [Result]

    /// Creates a report.
    public init(environment: String, results: [Result]) {
        self.formatVersion = Self.formatVersion
        self.environment = environment
        self.results = results
    }

    /// Whether every change was applied.
    public var succeeded: Bool { results.allSatisfy { $0.status == .applied } }

    /// How many results have `status`.
    public func count(_ status: Result.Status) -> Int { results.filter { $0.status == status }.count }
}
