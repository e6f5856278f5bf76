import Foundation
import MittoEmulator
import MittoTestSupport
import NIOCore
import NIOPosix
import Testing

@Suite("Connections: idle ones and slowly sent requests are closed")
struct ConnectionTimeoutTests {
    /// What a raw connection received before the server closed it, or nil if it was still open at `limit`.
    static func receivedUntilClosed(
        port: Int, send request: String, dribble: String = "", every interval: Duration = .milliseconds(50),
        limit: Duration = .seconds(10)
    ) async throws -> String? {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            if !request.isEmpty { try await outbound.write(ByteBuffer(string: request)) }
            return try await withThrowingTaskGroup(of: String?.self) { group in
                group.addTask {
                    var received = ""
                    do {
                        for try await buffer in inbound { received += String(buffer: buffer) }
                    } catch {
                        // A reset is a close too.
                    }
                    return received
                }
                group.addTask {
                    // The slow client: one byte per interval, then silence until the limit.
                    for byte in dribble {
                        try await Task.sleep(for: interval)
                        do { try await outbound.write(ByteBuffer(string: String(byte))) } catch { break }
                    }
                    try await Task.sleep(for: limit)
                    return nil
                }
                let first = try await group.next() ?? nil
                group.cancelAll()
                return first
            }
        }
    }

    /// Runs `body` against an emulator with these timeouts.
    static func withEmulator(
        idle: Duration, read: Duration = .seconds(30), _ body: @Sendable (RunningEmulator) async throws -> Void
    ) async throws {
        let configure: @Sendable (inout EmulatorConfiguration) -> Void = {
            $0.idleTimeout = idle
            $0.readTimeout = read
        }
        try await withRunningEmulator(configure: configure, body)
    }

    @Test("a keep-alive connection left idle is closed after the idle timeout")
    func idleKeepAlive() async throws {
        try await Self.withEmulator(idle: .seconds(1)) { emulator in
            let request = "GET /2fa/openapi.yaml HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            let received = try #require(
                try await Self.receivedUntilClosed(port: emulator.port, send: request), "still open after 10 s")
            #expect(received.hasPrefix("HTTP/1.1 200 OK"))
            let silent = try await Self.receivedUntilClosed(port: emulator.port, send: "")
            #expect(silent == "")
        }
    }

    @Test("a request head sent a byte at a time is cut off by the idle timeout's clock, not kept open")
    func slowHead() async throws {
        try await Self.withEmulator(idle: .milliseconds(300)) { emulator in
            let head =
                "GET /2fa/openapi.yaml HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + String(repeating: "a", count: 400)
            let received = try await Self.receivedUntilClosed(port: emulator.port, send: "", dribble: head)
            #expect(received != nil, "still open after the head's 20 s")
        }
    }

    @Test("a body dribbled a byte at a time is answered 408 and the connection closed at the read timeout")
    func slowBody() async throws {
        try await Self.withEmulator(idle: .seconds(60), read: .milliseconds(500)) { emulator in
            let body =
                #"{"name":"slow","buckets":[{"name":"b","max":1,"interval":60}]}"# + String(repeating: " ", count: 400)
            let token = Data("\(TestAccounts.acme.sid):\(TestAccounts.acme.apiKey)".utf8).base64EncodedString()
            let head =
                "POST /2fa/limits HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic \(token)\r\n"
                + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
            let received = try #require(
                try await Self.receivedUntilClosed(port: emulator.port, send: head, dribble: body),
                "still open while the body dribbled")
            #expect(received.hasPrefix("HTTP/1.1 408"), "\(received)")
            #expect(received.contains(#""code":408"#))
            let search = try await RawHTTP(emulator).send("GET", "/2fa/limits/search")
            #expect(search.json["total"] as? Int == 0)
        }
    }

    @Test("a GET whose ignored body dribbles is closed at the read timeout too")
    func slowIgnoredBody() async throws {
        try await Self.withEmulator(idle: .seconds(60), read: .milliseconds(500)) { emulator in
            let head = "GET /2fa/openapi.yaml HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 400\r\n\r\n"
            let received = try await Self.receivedUntilClosed(
                port: emulator.port, send: head, dribble: String(repeating: "x", count: 400))
            #expect(received?.hasPrefix("HTTP/1.1 200 OK") == true, "\(received ?? "still open")")
        }
    }
}
