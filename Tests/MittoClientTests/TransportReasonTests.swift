import AsyncHTTPClient
import Foundation
import NIOCore
import Testing

@testable import MittoClient

@Suite("Errors without an answer are said in plain words")
struct TransportReasonTests {
    struct Example: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var error: any Error & Sendable
        var reason: MittoAPIError.Reason
    }

    static let target = "127.0.0.1:8080"

    @Test(
        "NIO's and AsyncHTTPClient's errors map to clear, balanced text; a connection never made is told apart",
        arguments: [
            Example(
                testDescription: "refused",
                error: IOError(errnoCode: ECONNREFUSED, reason: "connection reset (error set)"),
                reason: .notConnected("connection refused (127.0.0.1:8080)")
            ),
            Example(
                testDescription: "reset",
                error: IOError(errnoCode: ECONNRESET, reason: "read(descriptor:pointer:size:)"),
                reason: .transport("connection reset by the server (127.0.0.1:8080)")
            ),
            Example(
                testDescription: "deadline", error: HTTPClientError.deadlineExceeded,
                reason: .transport("timed out after 30 s (127.0.0.1:8080)")
            ),
            Example(
                testDescription: "read timeout", error: HTTPClientError.readTimeout,
                reason: .transport("read timed out (127.0.0.1:8080)")
            ),
            Example(
                testDescription: "remote closed", error: HTTPClientError.remoteConnectionClosed,
                reason: .transport("the server closed the connection (127.0.0.1:8080)")
            ),
            Example(
                testDescription: "eof", error: ChannelError.eof,
                reason: .transport("the server closed the connection (127.0.0.1:8080)")
            ),
            Example(
                testDescription: "connect timeout", error: HTTPClientError.connectTimeout,
                reason: .notConnected("connect timed out (127.0.0.1:8080)")
            ),
            Example(
                testDescription: "channel connect timeout", error: ChannelError.connectTimeout(.seconds(10)),
                reason: .notConnected("connect timed out (127.0.0.1:8080)")
            ),
            Example(testDescription: "cancelled", error: CancellationError(), reason: .cancelled),
        ]
    )
    func plainWords(_ example: Example) {
        let reason = MittoAPIError.Reason.noAnswer(example.error, target: Self.target, timeout: .seconds(30))
        #expect(reason == example.reason)
        let text = MittoAPIError(method: "GET", path: "/2fa/limits/search", reason: reason).description
        #expect(text.filter { $0 == "(" }.count == text.filter { $0 == ")" }.count)
    }

    @Test(
        "timeouts read in milliseconds below a second and in seconds above",
        arguments: [
            (Duration.milliseconds(150), "150 ms"), (.seconds(30), "30 s"), (.milliseconds(1500), "1500 ms"),
        ])
    func durations(_ duration: Duration, _ text: String) {
        #expect(MittoAPIError.Reason.format(duration) == text)
    }
}
