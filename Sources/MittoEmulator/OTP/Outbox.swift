import Foundation
import MittoWire
import Synchronization

/// A message as the recipient's phone or inbox would show it: the one place a code appears.
public struct OutboxMessage: Hashable, Sendable, Codable {
    /// The request that sent it.
    public var requestID: String
    /// The account.
    public var accountSid: String
    /// `sms`, `call` or `email`.
    public var channel: String
    /// The sender.
    public var from: String?
    /// The recipient.
    public var to: String
    /// The email subject.
    public var subject: String?
    /// The text with the code filled in (for calls, what the voice reads).
    public var body: String
    /// RFC 3339 UTC time of sending.
    public var sentAt: String
    /// `delivered`, or `failed` when the emulator made this delivery fail.
    public var deliveryStatus: String
}

/// Where the emulator delivers messages, there being no phone network: readable through `/_emulator/outbox` and,
/// optionally, appended to a JSON-lines file with each code masked. Each call takes a lock for an append, so the
/// engine can deliver inside a database transaction.
final class Outbox: Sendable {
    /// Messages kept for reading; older ones are dropped (the delivery log keeps everything).
    static let capacity = 10_000

    private struct State {
        var messages: [OutboxMessage] = []
        var logFile: FileHandle?
    }

    private let state: Mutex<State>

    init(logPath: String?) throws(EmulatorConfigurationError) {
        guard let logPath else {
            state = Mutex(State())
            return
        }
        if !FileManager.default.fileExists(atPath: logPath) {
            _ = FileManager.default.createFile(atPath: logPath, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        guard let handle = FileHandle(forWritingAtPath: logPath) else {
            throw .deliveryLog(path: logPath)
        }
        handle.seekToEndOfFile()
        state = Mutex(State(logFile: handle))
    }

    /// Keeps the message for the outbox and appends it to the delivery log with its code masked: the outbox is the
    /// one place a code shows.
    func deliver(_ delivery: Delivery) {
        state.withLock { state in
            if state.messages.count >= Self.capacity { state.messages.removeFirst(Self.capacity / 10) }
            state.messages.append(delivery.message)
            if let logFile = state.logFile, let line = try? WireCoding.makeEncoder().encode(delivery.logged) {
                logFile.write(line + Data("\n".utf8))
            }
        }
    }

    /// The account's messages, optionally to one recipient, oldest first.
    func messages(accountSids: Set<String>, to: String?) -> [OutboxMessage] {
        state.withLock { state in
            state.messages.filter { accountSids.contains($0.accountSid) && (to == nil || $0.to == to) }
        }
    }
}
