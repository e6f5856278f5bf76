import Foundation
import PolicyModel
import Synchronization

/// Messages rendered at send time and waiting for their turn, like a carrier's queue: the code reaches the
/// delivery side once, at send time, and the session store keeps only its hash. Held in memory, so messages still
/// queued when the emulator stops are lost (their attempts show as failed). Each call takes a lock for a
/// dictionary operation, so the engine can call it inside a database transaction.
final class DeliveryQueue: Sendable {
    private let queued = Mutex<[String: [Int: Delivery]]>([:])

    func enqueue(_ requestID: String, _ messages: [Int: Delivery]) {
        queued.withLock { $0[requestID] = messages }
    }

    /// The message, which leaves the queue; a request with nothing left is forgotten.
    func take(_ requestID: String, index: Int) -> Delivery? {
        queued.withLock { queued in
            let delivery = queued[requestID]?.removeValue(forKey: index)
            if queued[requestID]?.isEmpty == true { queued[requestID] = nil }
            return delivery
        }
    }

    func drop(_ requestID: String) {
        _ = queued.withLock { $0.removeValue(forKey: requestID) }
    }
}

/// A message waiting for delivery: what the recipient gets, with the code, and what the delivery log keeps, without.
struct Delivery: Sendable {
    /// The message as the outbox shows it.
    var message: OutboxMessage
    /// The body with every character of the code replaced by `•`, everything else as sent.
    var maskedBody: String

    /// A message whose body is `template` with `{code}` filled in.
    init(_ message: OutboxMessage, template: String, code: String) {
        var message = message
        message.body = Self.filling(template, with: code)
        self.message = message
        maskedBody = Self.filling(template, with: String(repeating: "•", count: code.count))
    }

    /// `template` with every `{code}` replaced by `code`.
    static func filling(_ template: String, with code: String) -> String {
        let placeholder = Array(PolicyRules.codePlaceholder.utf8)
        let bytes = Array(template.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + code.utf8.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == placeholder[0], index + placeholder.count <= bytes.count,
                bytes[index..<index + placeholder.count].elementsEqual(placeholder)
            {
                out.append(contentsOf: code.utf8)
                index += placeholder.count
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The message as the delivery log writes it.
    var logged: OutboxMessage {
        var logged = message
        logged.body = maskedBody
        return logged
    }
}
