import AsyncHTTPClient
import Foundation
import Logging
import MittoWire
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// Calls accounts' callback URLs on every status change of an OTP request, off the request that caused it, retrying
/// with backoff. Runs as a service of the emulator and owns its HTTP client.
final class CallbackDispatcher: Service, Sendable {
    /// One status change to report.
    struct Event: Sendable, Encodable {
        var url: String
        var method: String
        var requestID: String
        var accountSid: String
        var channel: String
        var to: String
        var status: String
        var timestamp: String

        enum CodingKeys: String, CodingKey {
            case requestID, accountSid, channel, to, status, timestamp
        }
    }

    private let events: AsyncStream<Event>
    private let continuation: AsyncStream<Event>.Continuation
    private let httpClient: HTTPClient
    private let retryDelays: [Duration]
    private let logger: Logger

    /// Creates a dispatcher; `retryDelays` are the waits between the up to five attempts.
    init(logger: Logger, retryDelays: [Duration] = [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4)]) {
        (events, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(10_000))
        httpClient = HTTPClient(eventLoopGroupProvider: .singleton)
        self.retryDelays = retryDelays
        self.logger = logger
    }

    /// Queues a report; never waits.
    func enqueue(_ event: Event) {
        continuation.yield(event)
    }

    func run() async throws {
        await withDiscardingTaskGroup { group in
            for await event in events.cancelOnGracefulShutdown() {
                group.addTask { await self.deliver(event) }
            }
            group.cancelAll()
        }
        try await httpClient.shutdown()
    }

    private func deliver(_ event: Event) async {
        for attempt in 0...retryDelays.count {
            if attempt > 0 {
                do { try await Task.sleep(for: retryDelays[attempt - 1]) } catch { return }
            }
            if await send(event) { return }
        }
        logger.warning(
            "callback gave up", metadata: ["requestID": "\(event.requestID)", "attempts": "\(retryDelays.count + 1)"]
        )
    }

    private func send(_ event: Event) async -> Bool {
        var url = event.url
        var request = HTTPClientRequest(url: url)
        if event.method == "GET" {
            let query = [
                ("requestID", event.requestID), ("accountSid", event.accountSid), ("channel", event.channel),
                ("to", event.to), ("status", event.status), ("timestamp", event.timestamp),
            ].map { "\($0)=\(PercentEncoding.encode($1))" }.joined(separator: "&")
            url += (url.contains("?") ? "&" : "?") + query
            request = HTTPClientRequest(url: url)
            request.method = .GET
        } else {
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            guard let body = try? JSONEncoder().encode(event) else { return true }
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        do {
            let response = try await httpClient.execute(request, timeout: .seconds(5))
            _ = try await response.body.collect(upTo: 1 << 20)
            return (200..<300).contains(Int(response.status.code))
        } catch {
            return false
        }
    }
}

/// Advances the OTP engine on the wall clock, so workflow steps and expiries happen on time without a request.
struct EngineTicker: Service {
    let engine: OTPEngine
    let interval: Duration

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while true {
                    try? await engine.advance()
                    try await Task.sleep(for: interval)
                }
            }
        } catch is CancellationError {
            return
        }
    }
}
