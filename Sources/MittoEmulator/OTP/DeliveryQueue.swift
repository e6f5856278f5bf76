import Foundation
import PolicyModel

/// Messages rendered at send time and waiting for their turn, like a carrier's queue: the code reaches the
/// delivery side once, at send time, and the session store keeps only its hash. Held in memory, so messages still
/// queued when the emulator stops are lost (their attempts show as failed).
actor DeliveryQueue {
    private var queued: [String: [Int: Delivery]] = [:]

    func enqueue(_ requestID: String, _ messages: [Int: Delivery]) {
        queued[requestID] = messages
    }

    func take(_ requestID: String, index: Int) -> Delivery? {
        queued[requestID]?.removeValue(forKey: index)
    }

    func drop(_ requestID: String) {
        queued[requestID] = nil
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
        message.body = template.replacingOccurrences(of: PolicyRules.codePlaceholder, with: code)
        self.message = message
        maskedBody = template.replacingOccurrences(
            of: PolicyRules.codePlaceholder, with: String(repeating: "•", count: code.count)
        )
    }

    /// The message as the delivery log writes it.
    var logged: OutboxMessage {
        var logged = message
        logged.body = maskedBody
        return logged
    }
}
