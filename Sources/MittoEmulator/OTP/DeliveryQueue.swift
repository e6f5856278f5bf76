import Foundation

/// Messages rendered at send time and waiting for their turn, like a carrier's queue: the code reaches the
/// delivery side once, at send time, and the session store keeps only its hash. Held in memory, so messages still
/// queued when the emulator stops are lost (their attempts show as failed).
actor DeliveryQueue {
    private var queued: [String: [Int: OutboxMessage]] = [:]

    func enqueue(_ requestID: String, _ messages: [Int: OutboxMessage]) {
        queued[requestID] = messages
    }

    func take(_ requestID: String, index: Int) -> OutboxMessage? {
        queued[requestID]?.removeValue(forKey: index)
    }

    func drop(_ requestID: String) {
        queued[requestID] = nil
    }
}
