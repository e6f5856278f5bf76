import Foundation
import GRDB
import LimitEngine
import MittoWire
import PolicyModel

/// OTP sessions, the accepted sends limits count and the usage they add up to, in the emulator's SQLite database.
///
/// A session is one row of plain columns, so a send writes one row and a verify changes a few columns of it; the
/// search filters are indexed columns. `otp_tally` counts sessions per account, status, channels, service, sender,
/// workflow, day and block of 4,096 consecutive rows, kept by triggers in the writes' own transactions: a search's
/// total is a sum over it, and a page far down the list starts at the block that holds its first row instead of
/// skipping every row before it. `otp_usage` counts delivered messages per account, day and channel.
///
/// Every `…(in:)` method runs inside the caller's transaction; the engine makes each operation one transaction.
///
/// What is kept, and for how long:
/// - Accepted sends (`send_event`) are kept `LimitEngine.retention` seconds, the longest interval a bucket may
///   have (a year), whatever the limits' windows are now: a PUT that lengthens a window must count every send the
///   longer window covers, so no send any limit could still count is ever deleted. Older ones are deleted as new
///   sends are recorded, and a deleted limit's sends go with it (its sid never comes back).
/// - Sessions stay in the database for good: they are the session detail records and what usage counts. The
///   process holds none of them; only messages still waiting for delivery stay in memory, until they are sent or
///   their session ends (verified, failed, cancelled, or expired by the ticker).
/// - Both live on disk: the database file, or for `--in-memory` SQLite's private temporary file, which no other
///   process can open and which is gone with the process. Memory use is the page cache, not the history.
struct OTPStore: Sendable {
    let writer: any DatabaseWriter
    /// Where the engine's writes go, committed in batches.
    let commits: GroupCommit

    init(writer: any DatabaseWriter) {
        self.writer = writer
        commits = GroupCommit(writer: writer)
    }

    /// Rows per block of the tally: a page's offset inside its block is at most this.
    static let blockShift = 12

    // MARK: Schema

    /// Replaces the JSON-per-session table of earlier versions with columns, carrying every session over.
    static func migrateToColumns(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE otp_request (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    request_id TEXT NOT NULL UNIQUE,
                    account_sid TEXT NOT NULL,
                    service TEXT,
                    sender TEXT,
                    recipient TEXT NOT NULL,
                    channel TEXT,
                    workflow TEXT,
                    channels INTEGER NOT NULL,
                    status TEXT NOT NULL,
                    blocked_limit TEXT,
                    blocked_bucket TEXT,
                    limits TEXT NOT NULL,
                    messages BLOB,
                    attempts TEXT NOT NULL,
                    next_message INTEGER NOT NULL,
                    next_message_at REAL,
                    verify_attempts INTEGER NOT NULL,
                    max_attempts INTEGER NOT NULL,
                    code_hash BLOB NOT NULL,
                    expires_at REAL NOT NULL,
                    callback_url TEXT,
                    callback_method TEXT,
                    created REAL NOT NULL,
                    updated REAL NOT NULL,
                    due_at REAL
                );
                CREATE INDEX otp_request_by_account ON otp_request (account_sid, seq);
                CREATE INDEX otp_request_by_status ON otp_request (account_sid, status, seq);
                CREATE INDEX otp_request_by_recipient ON otp_request (account_sid, recipient, seq);
                CREATE INDEX otp_request_by_service ON otp_request (account_sid, service, seq);
                CREATE INDEX otp_request_by_sender ON otp_request (account_sid, sender, seq);
                CREATE INDEX otp_request_by_workflow ON otp_request (account_sid, workflow, seq);
                CREATE INDEX otp_request_due ON otp_request (due_at) WHERE due_at IS NOT NULL;
                CREATE TABLE otp_tally (
                    account_sid TEXT NOT NULL,
                    block INTEGER NOT NULL,
                    day INTEGER NOT NULL,
                    status TEXT NOT NULL,
                    channels INTEGER NOT NULL,
                    service TEXT NOT NULL,
                    sender TEXT NOT NULL,
                    workflow TEXT NOT NULL,
                    total INTEGER NOT NULL,
                    PRIMARY KEY (account_sid, block, day, status, channels, service, sender, workflow)
                ) WITHOUT ROWID;
                CREATE TRIGGER otp_tally_insert AFTER INSERT ON otp_request BEGIN
                    INSERT INTO otp_tally VALUES (
                        NEW.account_sid, NEW.seq >> \(blockShift), CAST(floor(NEW.created / 86400) AS INTEGER),
                        NEW.status, NEW.channels, ifnull(NEW.service, ''), ifnull(NEW.sender, ''),
                        ifnull(NEW.workflow, ''), 1
                    ) ON CONFLICT DO UPDATE SET total = total + 1;
                END;
                CREATE TRIGGER otp_tally_update AFTER UPDATE OF status, channels ON otp_request
                WHEN OLD.status IS NOT NEW.status OR OLD.channels IS NOT NEW.channels BEGIN
                    UPDATE otp_tally SET total = total - 1
                    WHERE account_sid = OLD.account_sid AND block = OLD.seq >> \(blockShift)
                        AND day = CAST(floor(OLD.created / 86400) AS INTEGER) AND status = OLD.status
                        AND channels = OLD.channels AND service = ifnull(OLD.service, '')
                        AND sender = ifnull(OLD.sender, '') AND workflow = ifnull(OLD.workflow, '');
                    INSERT INTO otp_tally VALUES (
                        NEW.account_sid, NEW.seq >> \(blockShift), CAST(floor(NEW.created / 86400) AS INTEGER),
                        NEW.status, NEW.channels, ifnull(NEW.service, ''), ifnull(NEW.sender, ''),
                        ifnull(NEW.workflow, ''), 1
                    ) ON CONFLICT DO UPDATE SET total = total + 1;
                END;
                CREATE TRIGGER otp_tally_delete AFTER DELETE ON otp_request BEGIN
                    UPDATE otp_tally SET total = total - 1
                    WHERE account_sid = OLD.account_sid AND block = OLD.seq >> \(blockShift)
                        AND day = CAST(floor(OLD.created / 86400) AS INTEGER) AND status = OLD.status
                        AND channels = OLD.channels AND service = ifnull(OLD.service, '')
                        AND sender = ifnull(OLD.sender, '') AND workflow = ifnull(OLD.workflow, '');
                END;
                CREATE TABLE otp_usage (
                    account_sid TEXT NOT NULL,
                    day TEXT NOT NULL,
                    channel TEXT NOT NULL,
                    total INTEGER NOT NULL,
                    PRIMARY KEY (account_sid, day, channel)
                ) WITHOUT ROWID;
                """
        )
        let old = try Data.fetchAll(db, sql: "SELECT session FROM otp_session ORDER BY seq")
        let decoder = JSONDecoder()
        for data in old {
            var session = try decoder.decode(OTPSession.self, from: data)
            session.from = session.from ?? session.messages.first?.from
            try insert(session, in: db)
        }
        try db.execute(sql: "DROP TABLE otp_session")
    }

    // MARK: Sessions

    /// The columns a session is read from, in the order `session(from:)` reads them.
    private static let columns = """
        request_id, account_sid, service, sender, recipient, channel, workflow, status, blocked_limit, blocked_bucket,
        limits, messages, attempts, next_message, next_message_at, verify_attempts, max_attempts, code_hash,
        expires_at, callback_url, callback_method, created, updated
        """

    /// Stores a new session and counts its delivered messages as usage.
    static func insert(_ session: OTPSession, in db: Database) throws {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO otp_request (
                    request_id, account_sid, service, sender, recipient, channel, workflow, channels, status,
                    blocked_limit, blocked_bucket, limits, messages, attempts, next_message, next_message_at,
                    verify_attempts, max_attempts, code_hash, expires_at, callback_url, callback_method, created,
                    updated, due_at
                ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        let values: [(any DatabaseValueConvertible)?] = [
            session.requestID, session.accountSid, session.service, session.from, session.to,
            session.channel?.rawValue, session.workflow, channelBits(session), session.status.rawValue,
            session.blockedBy?.limit, session.blockedBy?.bucket, limitsText(session.limits), messagesData(session),
            attemptsText(session.attempts), session.nextMessage, session.nextMessageAt?.timeIntervalSince1970,
            session.verifyAttempts, session.maxAttempts, session.codeHash, session.expiresAt.timeIntervalSince1970,
            session.callbackUrl, session.callbackMethod, session.dateCreated.timeIntervalSince1970,
            session.dateUpdated.timeIntervalSince1970, dueAt(session),
        ]
        try statement.execute(arguments: StatementArguments(values))
        try countUsage(session.attempts, of: session.accountSid, in: db)
    }

    /// Stores what changed in a session read earlier in this transaction; `attemptsBefore` is how many attempts it
    /// had then, so only the new ones count as usage.
    static func update(_ session: OTPSession, attemptsBefore: Int, in db: Database) throws {
        let statement = try db.cachedStatement(
            sql: """
                UPDATE otp_request SET channels = ?, status = ?, messages = ?, attempts = ?, next_message = ?,
                    next_message_at = ?, verify_attempts = ?, updated = ?, due_at = ?
                WHERE request_id = ?
                """)
        let values: [(any DatabaseValueConvertible)?] = [
            channelBits(session), session.status.rawValue, messagesData(session), attemptsText(session.attempts),
            session.nextMessage, session.nextMessageAt?.timeIntervalSince1970, session.verifyAttempts,
            session.dateUpdated.timeIntervalSince1970, dueAt(session), session.requestID,
        ]
        try statement.execute(arguments: StatementArguments(values))
        try countUsage(session.attempts.dropFirst(attemptsBefore), of: session.accountSid, in: db)
    }

    /// The session `requestID` names, if any.
    static func session(_ requestID: String, in db: Database) throws -> OTPSession? {
        let statement = try db.cachedStatement(sql: "SELECT \(columns) FROM otp_request WHERE request_id = ?")
        // Read in place from the cursor's row, without copying its columns into a row of its own first; the row is
        // only valid while the cursor is.
        let cursor = try Row.fetchCursor(statement, arguments: [requestID])
        return try withExtendedLifetime(cursor) { try cursor.next().map(session(from:)) }
    }

    /// Whether a pending session has a message or an expiry due at or before `now`.
    func hasDue(at now: Date) async throws -> Bool {
        try await writer.read { db in
            try Bool.fetchOne(
                db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM otp_request WHERE due_at <= ?)"),
                arguments: [now.timeIntervalSince1970]) ?? false
        }
    }

    /// Pending sessions with a message or an expiry due at or before `now`, soonest first.
    static func dueSessions(at now: Date, in db: Database) throws -> [OTPSession] {
        let statement = try db.cachedStatement(
            sql: "SELECT \(columns) FROM otp_request WHERE due_at <= ? ORDER BY due_at")
        return try Row.fetchAll(statement, arguments: [now.timeIntervalSince1970]).map(session(from:))
    }

    private static func session(from row: Row) -> OTPSession {
        let blockedLimit: String? = row[8]
        let blockedBucket: String? = row[9]
        let nextMessageAt: Double? = row[14]
        return OTPSession(
            requestID: row[0], accountSid: row[1], service: row[2], from: row[3], to: row[4],
            channel: (row[5] as String?).flatMap(Channel.init(rawValue:)), workflow: row[6],
            status: OTPStatus(rawValue: row[7]) ?? .failed,
            blockedBy: blockedLimit.map { BlockedBy(limit: $0, bucket: blockedBucket ?? "") },
            limits: limits(from: row[10]), messages: messages(from: row[11]), attempts: attempts(from: row[12]),
            nextMessage: row[13], nextMessageAt: nextMessageAt.map(Date.init(timeIntervalSince1970:)),
            verifyAttempts: row[15], maxAttempts: row[16], codeHash: row[17],
            expiresAt: Date(timeIntervalSince1970: row[18]), callbackUrl: row[19], callbackMethod: row[20],
            dateCreated: Date(timeIntervalSince1970: row[21]), dateUpdated: Date(timeIntervalSince1970: row[22])
        )
    }

    /// When the session next needs the clock: its next message or its expiry, while it is pending.
    static func dueAt(_ session: OTPSession) -> Double? {
        guard session.status == .pending else { return nil }
        return min(session.nextMessageAt ?? session.expiresAt, session.expiresAt).timeIntervalSince1970
    }

    // MARK: Column forms

    /// The bit of each channel in `channels`.
    static func channelBit(_ channel: String) -> Int {
        switch channel {
        case "sms": 1
        case "call": 2
        case "email": 4
        default: 0
        }
    }

    /// The session's channel and every channel it sent a message on, as bits: what the `channel` filter matches.
    private static func channelBits(_ session: OTPSession) -> Int {
        session.attempts.reduce(session.channel.map { channelBit($0.rawValue) } ?? 0) { $0 | channelBit($1.channel) }
    }

    private static func limitsText(_ limits: [String: String]) -> String {
        guard !limits.isEmpty else { return "{}" }
        return WireValue.object(limits.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }).jsonText
    }

    private static func limits(from text: String) -> [String: String] {
        guard text != "{}", case .object(let pairs)? = try? WireValue.parseJSON(Array(text.utf8)) else { return [:] }
        var limits: [String: String] = [:]
        for (key, value) in pairs {
            if case .string(let text) = value { limits[key] = text }
        }
        return limits
    }

    /// The planned messages, kept only while some are still to send.
    private static func messagesData(_ session: OTPSession) -> Data? {
        guard session.status == .pending, session.nextMessage < session.messages.count else { return nil }
        return try? JSONEncoder().encode(session.messages)
    }

    private static func messages(from data: Data?) -> [PlannedMessage] {
        guard let data else { return [] }
        return (try? JSONDecoder().decode([PlannedMessage].self, from: data)) ?? []
    }

    /// Attempts as `channel|sentAt|deliveryStatus` joined by `;`: none of the three can hold either separator.
    private static func attemptsText(_ attempts: [DeliveryAttempt]) -> String {
        attempts.map { "\($0.channel)|\($0.sentAt)|\($0.deliveryStatus)" }.joined(separator: ";")
    }

    private static func attempts(from text: String) -> [DeliveryAttempt] {
        guard !text.isEmpty else { return [] }
        return text.split(separator: ";").map { item in
            let parts = item.split(separator: "|", omittingEmptySubsequences: false)
            return DeliveryAttempt(
                channel: String(parts[0]), sentAt: parts.count > 1 ? String(parts[1]) : "",
                deliveryStatus: parts.count > 2 ? String(parts[2]) : "")
        }
    }

    // MARK: Usage

    /// Counts each delivered attempt on its day and channel.
    private static func countUsage(
        _ attempts: some Collection<DeliveryAttempt>, of accountSid: String, in db: Database
    ) throws {
        for attempt in attempts where attempt.deliveryStatus == "delivered" {
            try db.cachedStatement(
                sql: """
                    INSERT INTO otp_usage (account_sid, day, channel, total) VALUES (?, ?, ?, 1)
                    ON CONFLICT DO UPDATE SET total = total + 1
                    """
            ).execute(arguments: [accountSid, String(attempt.sentAt.prefix(10)), attempt.channel])
        }
    }

    /// Messages delivered for the account, per day (`YYYY-MM-DD`) and channel.
    func usage(accountSid: String) async throws -> [(day: String, channel: String, count: Int)] {
        try await writer.read { db in
            try Row.fetchAll(
                db.cachedStatement(sql: "SELECT day, channel, total FROM otp_usage WHERE account_sid = ? ORDER BY day"),
                arguments: [accountSid]
            ).map { (day: $0[0], channel: $0[1], count: $0[2]) }
        }
    }

    // MARK: Search

    /// The columns a session detail record is written from, in the order `SessionRecordJSON.write(_:)` reads them.
    static let recordColumns = """
        request_id, account_sid, service, sender, recipient, channel, workflow, status, blocked_limit, blocked_bucket,
        limits, attempts, verify_attempts, created, updated
        """

    /// One page of the sessions `filter` matches, oldest first, as the records' JSON, with how many match.
    func search(_ filter: SessionFilter, offset: Int, limit: Int) async throws -> (records: [Data], total: Int) {
        try await writer.read { db in
            let (condition, arguments) = filter.rowCondition()
            if filter.requestID != nil || filter.to != nil {
                // A request id or a recipient matches few sessions: counted and paged through its own index.
                let total =
                    try Int.fetchOne(
                        db, sql: "SELECT COUNT(*) FROM otp_request WHERE \(condition)", arguments: arguments) ?? 0
                guard offset < total else { return ([], total) }
                let rows = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT \(Self.recordColumns) FROM otp_request WHERE \(condition)
                        ORDER BY seq LIMIT ? OFFSET ?
                        """,
                    arguments: arguments + [limit, offset])
                var records: [Data] = []
                while let row = try rows.next() { records.append(SessionRecordJSON.write(row)) }
                return (records, total)
            }
            let (tallyCondition, tallyArguments) = filter.tallyCondition()
            let blocks = try Row.fetchAll(
                db,
                sql: """
                    SELECT block, SUM(total) FROM otp_tally WHERE \(tallyCondition)
                    GROUP BY block HAVING SUM(total) > 0 ORDER BY block
                    """,
                arguments: tallyArguments
            ).map { (block: $0[0] as Int, count: $0[1] as Int) }
            let total = blocks.reduce(0) { $0 + $1.count }
            // The page starts in the block whose running count passes `offset`.
            var skipped = 0
            guard
                let start = blocks.first(where: { entry in
                    if skipped + entry.count > offset { return true }
                    skipped += entry.count
                    return false
                })
            else { return ([], total) }
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT \(Self.recordColumns) FROM otp_request WHERE \(condition) AND seq >= ?
                    ORDER BY seq LIMIT ? OFFSET ?
                    """,
                arguments: arguments + [start.block << Self.blockShift, limit, offset - skipped]
            )
            var records: [Data] = []
            records.reserveCapacity(limit)
            while let row = try rows.next() { records.append(SessionRecordJSON.write(row)) }
            return (records, total)
        }
    }

    // MARK: Limits

    /// The limit named `name` in the account, with its sid.
    static func limit(named name: String, accountSid: String, in db: Database) throws -> (sid: String, limit: Limit)? {
        let statement = try db.cachedStatement(
            sql: "SELECT resource FROM policy_object WHERE kind = 'limit' AND account_sid = ? AND name = ?")
        guard let data = try Data.fetchOne(statement, arguments: [accountSid, name]) else { return nil }
        let resource = try JSONDecoder().decode(LimitResource.self, from: data)
        return (resource.sid, resource.limit)
    }

    /// Records one accepted send for each limit (by sid) and key value, and forgets sends no limit can count any
    /// more, so the table holds at most `LimitEngine.retention` seconds of sends.
    static func recordSends(_ events: [LimitEngine.SendEvent], at now: Date, in db: Database) throws {
        guard !events.isEmpty else { return }
        let insert = try db.cachedStatement(sql: "INSERT INTO send_event (limit_sid, key_value, at) VALUES (?, ?, ?)")
        for event in events {
            try insert.execute(arguments: [event.limitSid, event.keyValue, event.at.timeIntervalSince1970])
        }
        try db.cachedStatement(sql: "DELETE FROM send_event WHERE at <= ?").execute(arguments: [
            now.timeIntervalSince1970 - Double(LimitEngine.retention)
        ])
    }

    /// The sends accepted with the limit `limitSid` and `value` after `since`.
    static func sends(
        limitSid: String, value: String, since: Date, in db: Database
    ) throws -> [LimitEngine.SendEvent] {
        let statement = try db.cachedStatement(
            sql: "SELECT at FROM send_event WHERE limit_sid = ? AND key_value = ? AND at > ?")
        return try Double.fetchAll(statement, arguments: [limitSid, value, since.timeIntervalSince1970]).map {
            LimitEngine.SendEvent(limitSid: limitSid, keyValue: value, at: Date(timeIntervalSince1970: $0))
        }
    }
}

/// What a session search asks for: each filter given must match; dates are whole UTC days, both included.
struct SessionFilter: Sendable, Hashable {
    var accountSid: String
    var requestID: String?
    var to: String?
    var from: String?
    var channel: String?
    var workflow: String?
    var status: OTPStatus?
    var service: String?
    /// The first day, as a day number since 1970-01-01.
    var startDay: Int?
    /// The last day, as a day number since 1970-01-01.
    var endDay: Int?

    /// The condition on `otp_request` rows.
    func rowCondition() -> (String, StatementArguments) {
        condition(
            equal: [("request_id", requestID), ("recipient", to)],
            startingOn: { ("created >= ?", Double($0) * 86_400) },
            endingOn: { ("created < ?", Double($0 + 1) * 86_400) })
    }

    /// The same condition on `otp_tally`, which holds every column it names but the request id and recipient.
    func tallyCondition() -> (String, StatementArguments) {
        condition(equal: [], startingOn: { ("day >= ?", $0) }, endingOn: { ("day <= ?", $0) })
    }

    /// The account, `equal` and the filters both tables have, with the day bounds as `startingOn` and `endingOn`
    /// write them.
    private func condition(
        equal: [(column: String, value: String?)],
        startingOn: (Int) -> (String, any DatabaseValueConvertible),
        endingOn: (Int) -> (String, any DatabaseValueConvertible)
    ) -> (String, StatementArguments) {
        var condition = "account_sid = ?"
        var arguments: StatementArguments = [accountSid]
        let shared: [(column: String, value: String?)] = [
            ("sender", from), ("workflow", workflow), ("status", status?.rawValue), ("service", service),
        ]
        for (column, value) in equal + shared {
            if let value {
                condition += " AND \(column) = ?"
                arguments += [value]
            }
        }
        if let channel {
            condition += " AND (channels & ?) != 0"
            arguments += [OTPStore.channelBit(channel)]
        }
        for bound in [startDay.map(startingOn), endDay.map(endingOn)] {
            if let (clause, value) = bound {
                condition += " AND \(clause)"
                arguments += [value]
            }
        }
        return (condition, arguments)
    }
}
