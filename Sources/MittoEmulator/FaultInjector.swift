import HTTPTypes
import MittoWire
import Synchronization

/// Failures the emulator is told to produce, so clients can be tested against 429s, 5xx and slow answers.
///
/// Faults are set in process (`Emulator.faults`), for every account, or over HTTP (`POST /_emulator/faults`), for
/// the caller's own requests only, so one account cannot break or slow another's. Each fires for its next `times`
/// matching requests.
public actor FaultInjector {
    /// One injected failure.
    public struct Fault: Sendable, Codable, Hashable {
        /// When, relative to the real work, the fault fires.
        public enum When: String, Sendable, Codable, Hashable {
            /// The request is refused and nothing is done: a clean, retryable failure.
            case beforeHandling
            /// The work is done and then the answer fails or is delayed: an ambiguous failure.
            case afterHandling
        }

        /// The method to match, or nil for any.
        public var method: String?
        /// The path to match exactly (without a `.json`/`.xml` suffix).
        public var path: String
        /// The status to answer with, or nil to answer normally after `delay`.
        public var status: Int?
        /// The `Retry-After` header to send, in seconds.
        public var retryAfter: Int?
        /// Seconds to wait before answering.
        public var delay: Double?
        /// Before or after the real work.
        public var when: When
        /// How many matching requests it affects.
        public var times: Int

        /// Creates a fault.
        public init(
            method: String? = nil, path: String, status: Int? = nil, retryAfter: Int? = nil, delay: Double? = nil,
            when: When = .beforeHandling, times: Int = 1
        ) {
            self.method = method
            self.path = path
            self.status = status
            self.retryAfter = retryAfter
            self.delay = delay
            self.when = when
            self.times = times
        }

        enum CodingKeys: String, CodingKey {
            case method, path, status, retryAfter, delay, when, times
        }

        /// Reads a fault; `when` defaults to `beforeHandling` and `times` to 1, as in Swift.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                method: try container.decodeIfPresent(String.self, forKey: .method),
                path: try container.decode(String.self, forKey: .path),
                status: try container.decodeIfPresent(Int.self, forKey: .status),
                retryAfter: try container.decodeIfPresent(Int.self, forKey: .retryAfter),
                delay: try container.decodeIfPresent(Double.self, forKey: .delay),
                when: try container.decodeIfPresent(When.self, forKey: .when) ?? .beforeHandling,
                times: try container.decodeIfPresent(Int.self, forKey: .times) ?? 1
            )
        }

        /// What is wrong with the fault, one detail per field; empty when it can be injected.
        ///
        /// Only error statuses can be injected: a 1xx would leave the client waiting for a final answer, and a
        /// 2xx or 3xx in the error envelope is neither the real answer nor a failure.
        public var problems: [ErrorDetail] {
            var problems: [ErrorDetail] = []
            if let status, !(400...599).contains(status) {
                problems.append(.init(field: "status", problem: "must be between 400 and 599, got \(status)"))
            }
            if let delay, !(0...300).contains(delay) {
                problems.append(.init(field: "delay", problem: "must be between 0 and 300 seconds, got \(delay)"))
            }
            if let retryAfter, retryAfter < 0 {
                problems.append(.init(field: "retryAfter", problem: "must be 0 or more, got \(retryAfter)"))
            }
            if times < 1 { problems.append(.init(field: "times", problem: "must be 1 or more, got \(times)")) }
            return problems
        }

        /// Waits, then throws the injected status if there is one.
        func fire() async throws {
            if let delay, delay > 0 {
                try await Task.sleep(for: .milliseconds(Int(delay * 1000)))
            }
            guard let status else { return }
            var headers: HTTPFields = [:]
            if let retryAfter { headers[.retryAfter] = String(retryAfter) }
            throw APIError(.init(code: status), "Injected fault: \(status)", headers: headers)
        }
    }

    /// A pending fault and the account whose requests it fires on; nil for every account.
    private struct Pending {
        var accountSid: String?
        var fault: Fault
    }

    private var pending: [Pending] = [] {
        didSet { pendingCount.store(pending.count, ordering: .sequentiallyConsistent) }
    }
    private var fired = 0
    /// How many faults are pending, readable without waiting for the actor.
    private nonisolated let pendingCount = Atomic<Int>(0)

    /// Whether any fault is pending: when none is, a request need not ask for one.
    nonisolated var mayFire: Bool { pendingCount.load(ordering: .sequentiallyConsistent) > 0 }

    /// Creates an injector with no faults.
    public init() {}

    /// Adds a fault for every account's requests, after those already pending; one with `problems` is ignored.
    ///
    /// Only the process that runs the emulator can do this; over HTTP a fault belongs to the caller.
    public func add(_ fault: Fault) {
        guard fault.problems.isEmpty else { return }
        pending.append(Pending(accountSid: nil, fault: fault))
    }

    /// Adds a fault that fires only on requests authenticated as `accountSid`.
    public func add(_ fault: Fault, for accountSid: String) {
        guard fault.problems.isEmpty else { return }
        pending.append(Pending(accountSid: accountSid, fault: fault))
    }

    /// Removes every pending fault.
    public func clear() {
        pending.removeAll()
    }

    /// Removes the faults `accountSid` added, leaving other accounts' and the process's.
    public func clear(for accountSid: String) {
        pending.removeAll { $0.accountSid == accountSid }
    }

    /// How many faults have fired since start.
    public var firedCount: Int { fired }

    /// The next pending fault for this request of `accountSid` (nil when unauthenticated), used up by one.
    func take(method: HTTPRequest.Method, path: String, when: Fault.When, accountSid: String?) -> Fault? {
        guard
            let index = pending.firstIndex(where: { entry in
                let fault = entry.fault
                return (entry.accountSid == nil || entry.accountSid == accountSid) && fault.when == when
                    && fault.path == path && (fault.method.map { $0.uppercased() == method.rawValue } ?? true)
            })
        else { return nil }
        let fault = pending[index].fault
        pending[index].fault.times -= 1
        if pending[index].fault.times <= 0 { pending.remove(at: index) }
        fired += 1
        return fault
    }
}
