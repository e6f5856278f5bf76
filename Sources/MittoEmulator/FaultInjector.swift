import HTTPTypes

/// Failures the emulator is told to produce, so clients can be tested against 429s, 5xx and slow answers.
///
/// Faults are set in process (`EmulatorApplication.faults`) or over HTTP (`POST /_emulator/faults`), and each
/// fires for its next `times` matching requests.
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

        /// What is wrong with the fault, or nil when it can be injected.
        public var problem: String? {
            if let status, !(100...599).contains(status) { return "status must be between 100 and 599, got \(status)" }
            if let delay, !(0...300).contains(delay) { return "delay must be between 0 and 300 seconds, got \(delay)" }
            if let retryAfter, retryAfter < 0 { return "retryAfter must be 0 or more, got \(retryAfter)" }
            if times < 1 { return "times must be 1 or more, got \(times)" }
            return nil
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

    private var pending: [Fault] = []
    private var fired = 0

    /// Creates an injector with no faults.
    public init() {}

    /// Adds a fault after those already pending; one with a `problem` is ignored.
    public func add(_ fault: Fault) {
        guard fault.problem == nil else { return }
        pending.append(fault)
    }

    /// Removes every pending fault.
    public func clear() {
        pending.removeAll()
    }

    /// How many faults have fired since start.
    public var firedCount: Int { fired }

    /// The next pending fault for this request, used up by one.
    func take(method: HTTPRequest.Method, path: String, when: Fault.When) -> Fault? {
        guard
            let index = pending.firstIndex(where: {
                $0.when == when && $0.path == path && ($0.method.map { $0.uppercased() == method.rawValue } ?? true)
            })
        else { return nil }
        let fault = pending[index]
        pending[index].times -= 1
        if pending[index].times <= 0 { pending.remove(at: index) }
        fired += 1
        return fault
    }
}
