import Foundation
import GRDB
import LimitEngine

/// OTP sessions and the accepted sends limits count, in the emulator's SQLite database.
struct OTPStore: Sendable {
    let writer: any DatabaseWriter

    func save(_ session: OTPSession) async throws {
        let data = try JSONEncoder().encode(session)
        let due = session.status == .pending ? min(session.nextMessageAt ?? session.expiresAt, session.expiresAt) : nil
        try await writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO otp_session (request_id, account_sid, status, due_at, session) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (request_id) DO UPDATE SET status = excluded.status, due_at = excluded.due_at,
                        session = excluded.session
                    """,
                arguments: [
                    session.requestID, session.accountSid, session.status.rawValue,
                    due.map { $0.timeIntervalSince1970 }, data,
                ]
            )
        }
    }

    func session(_ requestID: String) async throws -> OTPSession? {
        let data = try await writer.read { db in
            try Data.fetchOne(db, sql: "SELECT session FROM otp_session WHERE request_id = ?", arguments: [requestID])
        }
        return try data.map { try JSONDecoder().decode(OTPSession.self, from: $0) }
    }

    /// The accounts' sessions, oldest first.
    func sessions(accountSids: [String]) async throws -> [OTPSession] {
        let rows = try await writer.read { db in
            try Data.fetchAll(
                db,
                sql:
                    "SELECT session FROM otp_session WHERE account_sid IN (\(accountSids.map { _ in "?" }.joined(separator: ","))) ORDER BY seq",
                arguments: StatementArguments(accountSids)
            )
        }
        return try rows.map { try JSONDecoder().decode(OTPSession.self, from: $0) }
    }

    /// Pending sessions with a message or an expiry due at or before `now`.
    func dueSessions(at now: Date) async throws -> [OTPSession] {
        let rows = try await writer.read { db in
            try Data.fetchAll(
                db, sql: "SELECT session FROM otp_session WHERE status = 'pending' AND due_at <= ? ORDER BY due_at",
                arguments: [now.timeIntervalSince1970]
            )
        }
        return try rows.map { try JSONDecoder().decode(OTPSession.self, from: $0) }
    }

    /// Records one accepted send for each limit (by sid) and key value, and forgets sends no limit can count any
    /// more, so the table holds at most `LimitEngine.retention` seconds of sends.
    func recordSend(_ events: [LimitEngine.SendEvent], at now: Date) async throws {
        guard !events.isEmpty else { return }
        try await writer.write { db in
            for event in events {
                try db.execute(
                    sql: "INSERT INTO send_event (limit_sid, key_value, at) VALUES (?, ?, ?)",
                    arguments: [event.limitSid, event.keyValue, event.at.timeIntervalSince1970]
                )
            }
            try db.execute(
                sql: "DELETE FROM send_event WHERE at <= ?",
                arguments: [now.timeIntervalSince1970 - Double(LimitEngine.retention)]
            )
        }
    }

    /// The sends accepted with the limit `limitSid` and `value` after `since`.
    func sends(limitSid: String, value: String, since: Date) async throws -> [LimitEngine.SendEvent] {
        try await writer.read { db in
            try Double.fetchAll(
                db,
                sql: "SELECT at FROM send_event WHERE limit_sid = ? AND key_value = ? AND at > ?",
                arguments: [limitSid, value, since.timeIntervalSince1970]
            ).map { LimitEngine.SendEvent(limitSid: limitSid, keyValue: value, at: Date(timeIntervalSince1970: $0)) }
        }
    }
}
