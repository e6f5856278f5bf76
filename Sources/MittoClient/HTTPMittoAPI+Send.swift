import AsyncHTTPClient
import Foundation
import MittoWire
import NIOCore
import NIOHTTP1

extension HTTPMittoAPI {
    /// Sends a request that may be repeated without harm (GET, PUT, DELETE), retrying within the policy's bounds.
    ///
    /// A thrown error of a write is `isOutcomeUnknown` when any attempt may have been carried out, not only the last.
    func send<Response: Decodable>(
        _ method: HTTPMethod, _ path: String, body: some Encodable, as type: Response.Type,
        headers: [(String, String)] = []
    ) async throws(MittoAPIError) -> Response {
        try await send(method, path, bodyData: try encode(body, method, path), as: type, headers: headers)
    }

    /// Sends a request without a body; see `send(_:_:body:as:)`.
    func send<Response: Decodable>(
        _ method: HTTPMethod, _ path: String, bodyData: Data? = nil, as type: Response.Type,
        headers: [(String, String)] = []
    ) async throws(MittoAPIError) -> Response {
        let (status, bytes) = try await sendForBody(method, path, bodyData: bodyData, headers: headers)
        return try decode(type, from: bytes, status: status, method, path)
    }

    /// Sends a request like `send(_:_:bodyData:as:headers:)` and returns the successful answer's status and body,
    /// undecoded.
    func sendForBody(
        _ method: HTTPMethod, _ path: String, bodyData: Data? = nil, headers: [(String, String)] = []
    ) async throws(MittoAPIError) -> (status: Int, body: Data) {
        var schedule = RetrySchedule(policy: retryPolicy)
        var mayHaveTakenEffect = false
        while true {
            schedule.attempts += 1
            switch await attemptOnce(method, path, bodyData: bodyData, headers: headers) {
            case .success(let status, let bytes):
                return (status, bytes)
            case .failure(let failure):
                mayHaveTakenEffect = mayHaveTakenEffect || failure.mayHaveTakenEffect
                let unknown = MittoAPIError.isWrite(method.rawValue) && mayHaveTakenEffect
                guard failure.reason.isRetryable else {
                    throw MittoAPIError(
                        method: method.rawValue, path: path, reason: failure.reason, isOutcomeUnknown: unknown
                    )
                }
                try await pause(after: failure, schedule, method, path, isOutcomeUnknown: unknown)
            }
        }
    }

    /// Waits before the next attempt, or throws `retriesExhausted` when the policy allows none.
    func pause(
        after failure: Failure, _ schedule: RetrySchedule, _ method: HTTPMethod, _ path: String,
        isOutcomeUnknown: Bool
    ) async throws(MittoAPIError) {
        guard let delay = schedule.delay(beforeNextAttempt: failure.retryAfter, random: random) else {
            throw MittoAPIError(
                method: method.rawValue, path: path,
                reason: .retriesExhausted(last: failure.reason, attempts: schedule.attempts),
                isOutcomeUnknown: isOutcomeUnknown
            )
        }
        logger.debug(
            "retrying",
            metadata: [
                "method": "\(method.rawValue)", "path": "\(path)", "attempt": "\(schedule.attempts)",
                "delay": "\(delay)",
            ]
        )
        do {
            try await sleep(delay)
        } catch {
            throw MittoAPIError(
                method: method.rawValue, path: path, reason: .cancelled, isOutcomeUnknown: isOutcomeUnknown
            )
        }
    }

    func encode(_ body: some Encodable, _ method: HTTPMethod, _ path: String) throws(MittoAPIError) -> Data {
        do {
            return try WireCoding.makeEncoder().encode(body)
        } catch {
            throw MittoAPIError(
                method: method.rawValue, path: path,
                reason: .transport("cannot encode the body: \(error)"), isOutcomeUnknown: false
            )
        }
    }

    func decode<Response: Decodable>(
        _ type: Response.Type, from bytes: Data, status: Int, _ method: HTTPMethod, _ path: String
    ) throws(MittoAPIError) -> Response {
        // List pages are read without JSONDecoder's generic containers; anything that reader does not expect is
        // left to JSONDecoder, which then decides and words the error.
        if let pullDecodable = type as? any JSONPullDecodable.Type,
            let value = bytes.withUnsafeBytes({ buffer in try? pullDecodable.decode(json: buffer) }) as? Response
        {
            return value
        }
        do {
            return try WireCoding.makeDecoder().decode(type, from: bytes)
        } catch {
            throw MittoAPIError(
                method: method.rawValue, path: path,
                reason: .invalidResponse(status: status, reason: String(describing: error))
            )
        }
    }

    /// What one attempt came to.
    enum Outcome {
        case success(status: Int, body: Data)
        case failure(Failure)
    }

    /// A failed attempt.
    struct Failure {
        var reason: MittoAPIError.Reason
        var retryAfter: Duration?
        /// Whether the request was handed to the connection, so a cancellation may have come after the server
        /// acted.
        var wasSent: Bool

        /// Whether the server may have done the work of this attempt.
        var mayHaveTakenEffect: Bool {
            reason.mayHaveTakenEffect || (wasSent && reason == .cancelled)
        }
    }

    /// `host:port` of the endpoint, for messages about the connection.
    var target: String {
        let port = endpoint.port ?? (endpoint.scheme == "https" ? 443 : 80)
        return "\(endpoint.host ?? "?"):\(port)"
    }

    func attemptOnce(
        _ method: HTTPMethod, _ path: String, bodyData: Data?, headers: [(String, String)] = []
    ) async -> Outcome {
        if let pacer {
            do { try await pacer.wait() } catch { return .failure(Failure(reason: .cancelled, wasSent: false)) }
        }
        if Task.isCancelled { return .failure(Failure(reason: .cancelled, wasSent: false)) }
        var request = HTTPClientRequest(url: endpoint.absoluteString.trimmingSuffix("/") + path)
        request.method = method
        request.headers.add(name: "Authorization", value: credentials.authorizationHeader)
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "mitto-policy")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let bodyData {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: bodyData))
        }
        let status: Int
        let body: ByteBuffer
        let retryAfter: Duration?
        do {
            let timeout = TimeAmount.nanoseconds(
                retryPolicy.requestTimeout.components.seconds * 1_000_000_000
                    + retryPolicy.requestTimeout.components.attoseconds / 1_000_000_000
            )
            let response = try await httpClient.execute(request, timeout: timeout)
            status = Int(response.status.code)
            retryAfter = response.headers.first(name: "Retry-After").flatMap(Int.init).map { .seconds($0) }
            body = try await response.body.collect(upTo: 64 << 20)
        } catch {
            let reason = MittoAPIError.Reason.noAnswer(error, target: target, timeout: retryPolicy.requestTimeout)
            logger.debug(
                "no answer", metadata: ["method": "\(method.rawValue)", "path": "\(path)", "reason": "\(reason)"])
            return .failure(Failure(reason: reason, wasSent: true))
        }
        logger.debug("answer", metadata: ["method": "\(method.rawValue)", "path": "\(path)", "status": "\(status)"])
        let data = Data(body.readableBytesView)
        if (200..<300).contains(status) { return .success(status: status, body: data) }
        let envelope = try? WireCoding.makeDecoder().decode(StatusEnvelope.self, from: data)
        let message = envelope?.message ?? String(decoding: data.prefix(200), as: UTF8.self)
        return .failure(
            Failure(
                reason: .status(code: status, message: message, details: envelope?.details ?? []),
                retryAfter: retryAfter, wasSent: true
            )
        )
    }
}

/// Counts the attempts of one call and tells whether another fits the policy's attempt and time bounds.
struct RetrySchedule {
    let policy: RetryPolicy
    let clock = ContinuousClock()
    let started: ContinuousClock.Instant
    /// Attempts made so far.
    var attempts = 0

    init(policy: RetryPolicy) {
        self.policy = policy
        self.started = clock.now
    }

    /// The wait before the next attempt, or nil when the attempts or the time budget are used up.
    func delay(beforeNextAttempt retryAfter: Duration?, random: (Double) -> Double) -> Duration? {
        let delay = policy.delay(beforeRetry: attempts, retryAfter: retryAfter, random: random)
        guard attempts < policy.maxAttempts, clock.now - started + delay <= policy.budget else { return nil }
        return delay
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
