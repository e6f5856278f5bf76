import Foundation
import GRDB
import HTTPTypes
import LimitEngine
import MittoWire
import PolicyModel

/// Sends, verifies and cancels one-time passwords: limits enforced, workflows run step by step on the injected
/// clock, codes kept only as keyed hashes.
///
/// Each operation reads, changes and writes its session inside one write of the database (a savepoint in a
/// transaction `GroupCommit` may share with other operations), and writes run one at a time: two verifies of one
/// session, or a verify and the ticker, cannot overwrite each other's changes, and nothing else waits on the engine. Everything a transaction does besides SQL (taking a queued message,
/// delivering it to the outbox) is a short synchronous step; callbacks are queued once the transaction committed.
/// Searches and usage read outside any write, from their own snapshot.
final class OTPEngine: Sendable {
    let store: OTPStore
    let policies: any PolicyStore
    let directory: AccountDirectory
    let outbox: Outbox
    let queue = DeliveryQueue()
    let callbacks: CallbackDispatcher
    let environment: EmulatorEnvironment
    let hasher = CodeHasher()
    /// The share of deliveries made to fail, so fallback can be seen.
    let deliveryFailureRate: Double

    init(
        store: OTPStore, policies: any PolicyStore, directory: AccountDirectory, outbox: Outbox,
        callbacks: CallbackDispatcher, environment: EmulatorEnvironment, deliveryFailureRate: Double
    ) {
        self.store = store
        self.policies = policies
        self.directory = directory
        self.outbox = outbox
        self.callbacks = callbacks
        self.environment = environment
        self.deliveryFailureRate = deliveryFailureRate
    }

    /// Runs `body` as one write (a savepoint of a transaction it may share with others' writes) and, once that is
    /// committed, reports the status changes it collected.
    func transaction<T: Sendable>(
        _ body: @escaping @Sendable (Database, inout [OTPSession]) throws -> T
    ) async throws -> T {
        let (result, changed) = try await store.commits.write { db in
            var changed: [OTPSession] = []
            let result = try body(db, &changed)
            return (result, changed)
        }
        for session in changed { notify(session) }
        return result
    }

    // MARK: Time

    /// Sends every message that has come due and expires every code whose lifetime passed, as of the clock's now.
    func advance() async throws {
        let now = environment.now()
        // Most calls find nothing due: that is one indexed read, and no write.
        guard try await store.hasDue(at: now) else { return }
        try await transaction { db, changed in
            for var session in try OTPStore.dueSessions(at: now, in: db) {
                let attemptsBefore = session.attempts.count
                self.bringUpToDate(&session, now: now)
                try OTPStore.update(session, attemptsBefore: attemptsBefore, in: db)
                if session.status != .pending { changed.append(session) }
            }
        }
    }

    /// Delivers the session's messages due by `now` and expires it if its code's lifetime passed.
    func bringUpToDate(_ session: inout OTPSession, now: Date) {
        deliverDue(&session, now: now)
        if session.status == .pending && session.expiresAt <= now {
            session.status = .expired
            session.nextMessageAt = nil
            session.dateUpdated = session.expiresAt
            queue.drop(session.requestID)
        }
    }

    /// Delivers, in order, the messages due by `now` and before the code expires.
    func deliverDue(_ session: inout OTPSession, now: Date) {
        while session.status == .pending, session.nextMessage < session.messages.count,
            let due = session.nextMessageAt, due <= now, due < session.expiresAt
        {
            let index = session.nextMessage
            let failed = deliveryFailureRate > 0 && environment.random() < deliveryFailureRate
            var delivered = queue.take(session.requestID, index: index)
            let status = delivered == nil || failed ? "failed" : "delivered"
            let sentAt = Timestamp.format(due)
            delivered?.message.sentAt = sentAt
            delivered?.message.deliveryStatus = status
            if let delivered { outbox.deliver(delivered) }
            session.attempts.append(
                DeliveryAttempt(
                    channel: session.messages[index].channel.rawValue, sentAt: sentAt, deliveryStatus: status)
            )
            session.nextMessage += 1
            session.dateUpdated = due
            // A failed delivery moves on to the next step at once; otherwise the step's timeout runs first.
            session.nextMessageAt =
                session.nextMessage < session.messages.count
                ? (status == "failed" ? due : due.addingTimeInterval(Double(session.messages[index].timeout))) : nil
        }
    }

    // MARK: Helpers

    /// The session, brought up to date as of `now` (and stored so, its status change collected), if the caller
    /// may see it; 404 otherwise.
    func visibleSession(
        _ requestID: String, caller: String, now: Date, in db: Database, changed: inout [OTPSession]
    ) throws -> OTPSession {
        guard var session = try OTPStore.session(requestID, in: db), directory.may(caller, actOn: session.accountSid)
        else {
            throw APIError(.notFound, "Request \(requestID) not found")
        }
        guard session.status == .pending, let due = OTPStore.dueAt(session), due <= now.timeIntervalSince1970 else {
            return session
        }
        let attemptsBefore = session.attempts.count
        bringUpToDate(&session, now: now)
        try OTPStore.update(session, attemptsBefore: attemptsBefore, in: db)
        if session.status != .pending { changed.append(session) }
        return session
    }

    func target(_ requested: String?, caller: String) throws -> String {
        guard let requested else { return caller }
        guard directory.may(caller, actOn: requested) else { throw APIError.forbiddenAccount(requested) }
        return requested
    }

    func notify(_ session: OTPSession) {
        let account = directory.callback(for: session.accountSid)
        guard let url = session.callbackUrl ?? account?.url else { return }
        let method = session.callbackMethod ?? (session.callbackUrl == nil ? account?.method : nil) ?? "POST"
        callbacks.enqueue(
            CallbackDispatcher.Event(
                url: url, method: method, requestID: session.requestID, accountSid: session.accountSid,
                channel: session.attempts.last?.channel ?? session.channel?.rawValue ?? session.messages.first?.channel
                    .rawValue ?? "",
                to: session.to, status: session.status.rawValue, timestamp: Timestamp.format(session.dateUpdated)
            )
        )
    }

    func storeCall<T>(_ body: () async throws(PolicyStoreError) -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw APIError(.internalServerError, "Storage failed")
        }
    }
}
