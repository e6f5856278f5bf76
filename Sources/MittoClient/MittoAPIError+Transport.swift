import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix

extension MittoAPIError.Reason {
    /// The reason for a request that got no answer, in plain words: NIO's and AsyncHTTPClient's own descriptions
    /// (`connection reset (error set): Connection refused) (errno: 111)`) say little and do not balance.
    ///
    /// A connection that was never made is `.notConnected`, so a write can be retried without a doubt; anything
    /// after the request may have been sent is `.transport`.
    static func noAnswer(_ error: any Error, target: String, timeout: Duration) -> Self {
        if error is CancellationError { return .cancelled }
        if let error = error as? HTTPClientError { return noAnswer(error, target: target, timeout: timeout) }
        if let error = error as? IOError { return noAnswer(errno: error.errnoCode, target: target) }
        if let error = error as? ChannelError { return noAnswer(error, target: target) }
        if let error = error as? NIOConnectionError {
            if let first = error.connectionErrors.first {
                return noAnswer(first.error, target: target, timeout: timeout)
            }
            return .notConnected("cannot resolve \(error.host)")
        }
        return .transport("\(error) (\(target))")
    }

    private static func noAnswer(_ error: HTTPClientError, target: String, timeout: Duration) -> Self {
        switch error {
        case .deadlineExceeded: .transport("timed out after \(Self.format(timeout)) (\(target))")
        case .readTimeout: .transport("read timed out (\(target))")
        case .writeTimeout: .transport("write timed out (\(target))")
        case .remoteConnectionClosed: .transport("the server closed the connection (\(target))")
        case .connectTimeout: .notConnected("connect timed out (\(target))")
        case .tlsHandshakeTimeout: .notConnected("TLS handshake timed out (\(target))")
        case .getConnectionFromPoolTimeout: .notConnected("no free connection in time (\(target))")
        case .cancelled: .cancelled
        default: .transport("\(error) (\(target))")
        }
    }

    private static func noAnswer(_ error: ChannelError, target: String) -> Self {
        switch error {
        case .connectTimeout: .notConnected("connect timed out (\(target))")
        case .ioOnClosedChannel, .alreadyClosed, .outputClosed, .inputClosed, .eof:
            .transport("the server closed the connection (\(target))")
        default: .transport("\(error) (\(target))")
        }
    }

    private static func noAnswer(errno code: CInt, target: String) -> Self {
        switch code {
        case ECONNREFUSED: .notConnected("connection refused (\(target))")
        case ENETUNREACH, EHOSTUNREACH: .notConnected("no route to the host (\(target))")
        case EADDRNOTAVAIL: .notConnected("address not available (\(target))")
        case ECONNRESET: .transport("connection reset by the server (\(target))")
        case EPIPE: .transport("the server closed the connection (\(target))")
        case ETIMEDOUT: .transport("connection timed out (\(target))")
        default: .transport("\(String(cString: strerror(code))) (errno \(code)) (\(target))")
        }
    }

    /// `150 ms`, `30 s`.
    static func format(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return milliseconds < 1000 || milliseconds % 1000 != 0 ? "\(milliseconds) ms" : "\(milliseconds / 1000) s"
    }
}
