import Foundation
import Hummingbird
import MittoEmulator
import MittoTestSupport
import ServiceLifecycle
import Testing

@Suite("Callbacks: every status change reported to the account's URL, retried, never blocking")
struct CallbackTests {
    /// What the receiver got: method, and the fields from the JSON body or the query string.
    struct Received: Sendable {
        var method: String
        var fields: [String: String]
    }

    /// Runs a small HTTP server that records callbacks and answers 500 to the first `failures` of them.
    static func withReceiver(
        failures: Int = 0, _ body: @Sendable (Int, LockedValue<[Received]>) async throws -> Void
    ) async throws {
        let received = LockedValue<[Received]>([])
        let failuresLeft = LockedValue(failures)
        let router = Router()
        router.on("/cb", method: .post) { request, context -> HTTPResponse.Status in
            let buffer = try await request.body.collect(upTo: 1 << 16)
            let object =
                (try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView))) as? [String: String] ?? [:]
            let fail = failuresLeft.withLock { left -> Bool in
                defer { left -= 1 }
                return left > 0
            }
            if fail { return .internalServerError }
            received.withLock { $0.append(Received(method: "POST", fields: object)) }
            return .ok
        }
        router.on("/cb", method: .get) { request, context -> HTTPResponse.Status in
            var fields: [String: String] = [:]
            for (key, value) in request.uri.queryParameters { fields[String(key)] = String(value) }
            received.withLock { $0.append(Received(method: "GET", fields: fields)) }
            return .ok
        }
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }
        )
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: app.logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            let port = await iterator.next() ?? 0
            do {
                try await body(port, received)
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
        }
    }

    /// Waits, boundedly, until `condition` holds.
    static func eventually(_ condition: () -> Bool) async throws {
        for _ in 0..<200 where !condition() { try await Task.sleep(for: .milliseconds(25)) }
    }

    @Test("the account's URL gets a POST per status change, retried after failures")
    func accountCallback() async throws {
        try await Self.withReceiver(failures: 2) { port, received in
            var account = TestAccounts.acme
            account.callback = .init(url: "http://127.0.0.1:\(port)/cb", method: "POST")
            let clock = SteppedClock()
            let configure: @Sendable (inout EmulatorConfiguration) -> Void = {
                $0.callbackRetryDelays = [.milliseconds(10), .milliseconds(10), .milliseconds(10), .milliseconds(10)]
            }
            try await withRunningEmulator(accounts: [account], environment: clock.environment, configure: configure) {
                emulator in
                let http = RawHTTP(emulator)
                let send = try await http.send(
                    "POST", "/2fa/send",
                    body: #"{"service":"acme","from":"ACME","to":"+41790000005","body":"Code {code}","code":"1234"}"#
                )
                let requestID = try #require(send.json["requestID"] as? String)
                _ = try await http.send("POST", "/2fa/verify", body: #"{"requestID":"\#(requestID)","code":"1234"}"#)
                try await Self.eventually { received.value.count >= 2 }
                let statuses = received.value.map { $0.fields["status"] ?? "" }
                #expect(Set(statuses) == ["pending", "verified"])
                #expect(received.value.allSatisfy { $0.method == "POST" })
                let first = try #require(received.value.first?.fields)
                #expect(first["requestID"] == requestID)
                #expect(first["accountSid"] == TestAccounts.acme.sid)
                #expect(first["to"] == "+41790000005")
                #expect(first["channel"] == "sms")
                #expect(first["timestamp"]?.hasSuffix("Z") == true)
                #expect(first["code"] == nil)
            }
        }
    }

    @Test("a per-request URL and GET override the account's, with the fields in the query string")
    func perRequestOverride() async throws {
        try await Self.withReceiver { port, received in
            let clock = SteppedClock()
            try await withRunningEmulator(environment: clock.environment) { emulator in
                let http = RawHTTP(emulator)
                let body = """
                    {"service":"acme","from":"ACME","to":"+41790000006","body":"Code {code}",
                     "callbackUrl":"http://127.0.0.1:\(port)/cb","callbackMethod":"GET"}
                    """
                let requestID = try #require(
                    try await http.send("POST", "/2fa/send", body: body).json["requestID"] as? String)
                _ = try await http.send("POST", "/2fa/cancel", body: #"{"requestID":"\#(requestID)"}"#)
                try await Self.eventually { received.value.count >= 2 }
                #expect(received.value.map(\.method) == ["GET", "GET"])
                #expect(Set(received.value.compactMap { $0.fields["status"] }) == ["pending", "cancelled"])
            }
        }
    }
}
