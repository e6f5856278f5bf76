import Foundation
import GRDB

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

    /// Records one accepted send for each limit and key value.
    func recordSend(accountSid: String, keys: [(limit: String, value: String)], at date: Date) async throws {
        guard !keys.isEmpty else { return }
        try await writer.write { db in
            for key in keys {
                try db.execute(
                    sql: "INSERT INTO send_event (account_sid, limit_name, key_value, at) VALUES (?, ?, ?, ?)",
                    arguments: [accountSid, key.limit, key.value, date.timeIntervalSince1970]
                )
            }
        }
    }

    /// When sends with `limit` and `value` were accepted after `since`.
    func sendTimes(accountSid: String, limit: String, value: String, since: Date) async throws -> [Date] {
        try await writer.read { db in
            try Double.fetchAll(
                db,
                sql: """
                    SELECT at FROM send_event WHERE account_sid = ? AND limit_name = ? AND key_value = ? AND at > ?
                    """,
                arguments: [accountSid, limit, value, since.timeIntervalSince1970]
            ).map { Date(timeIntervalSince1970: $0) }
        }
    }
}
