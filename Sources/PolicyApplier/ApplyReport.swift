public import PolicyModel
public import PolicyPlanner

/// What happened to each change of an applied plan.
public struct ApplyReport: Hashable, Sendable, Codable {
    /// The version of the JSON shape.
    public static let formatVersion = 1

    /// The outcome of one change.
    public struct Result: Hashable, Sendable, Codable {
        /// Done, failed, unknown, or not started.
        public enum Status: String, Hashable, Sendable, Codable, CaseIterable {
            /// The API confirmed the call, or the object already was as planned.
            case applied
            /// The change was not made: the API refused it, or the object changed since the plan and the change was
            /// refused so as not to overwrite that. `error` says which.
            case failed
            /// The call may or may not have taken effect (a timeout, a lost answer); the next plan shows which.
            case unknown
            /// Not started, because an earlier phase did not succeed or the run was interrupted.
            case notStarted = "not-started"
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
        /// A remark on an applied change, such as that the object already was as planned.
        public var note: String?

        /// Creates a result.
        public init(
            address: ResourceAddress, action: ChangeAction, status: Status, sid: String? = nil, error: String? = nil,
            note: String? = nil
        ) {
            self.note = note
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
    /// Whether the run was interrupted (Ctrl-C) before every change had started.
    public var interrupted: Bool

    /// Creates a report.
    public init(environment: String, results: [Result], interrupted: Bool = false) {
        self.formatVersion = Self.formatVersion
        self.environment = environment
        self.results = results
        self.interrupted = interrupted
    }

    /// Whether every change was applied.
    public var succeeded: Bool { results.allSatisfy { $0.status == .applied } }

    /// How many results have `status`.
    public func count(_ status: Result.Status) -> Int { results.filter { $0.status == status }.count }
}
