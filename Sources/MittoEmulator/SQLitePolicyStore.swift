import Foundation
import GRDB
import MittoWire

/// A `PolicyStore` in SQLite through GRDB: a WAL-mode file that survives a killed process, or a private temporary
/// database with the same schema and constraints, so the two storage modes cannot behave differently.
public final class SQLitePolicyStore: PolicyStore {
    /// Where the database lives.
    public enum Location: Sendable, Equatable {
        /// A file, opened in WAL mode and migrated on open.
        case file(String)
        /// Nothing kept after the emulator stops: SQLite's private temporary database, which it deletes from the
        /// file system as it opens it (so not even a killed process leaves it behind). Its pages stay in memory up
        /// to the page cache's size and go to that nameless file beyond it, so a long run's OTP history does not
        /// grow the process.
        case inMemory
    }

    /// Rows per block of `policy_block`, as a shift: a page's offset inside its block is under 1,024.
    static let blockShift = 10

    /// The page cache of the temporary database behind `.inMemory`, in KiB: what it may hold in memory. SQLite
    /// walks a temporary database's dirty pages at every commit, so a larger cache makes each write slower.
    static let temporaryCacheKiB = 2_048

    /// The database, shared with the OTP store.
    let writer: any DatabaseWriter

    /// Opens (creating and migrating as needed) the database at `location`.
    public init(_ location: Location) throws(EmulatorConfigurationError) {
        let path: String
        switch location {
        case .file(let file): path = file
        case .inMemory: path = ":memory:"
        }
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(5)
            switch location {
            case .file(let file):
                // WAL with synchronous=NORMAL: a commit is in the log before the response is sent, so a killed
                // process loses nothing it acknowledged (only a power cut could).
                writer = try DatabasePool(path: file, configuration: configuration)
            case .inMemory:
                // No journal to disk and no syncs: the database lives only as long as the process anyway.
                configuration.prepareDatabase { db in
                    try db.execute(
                        sql: """
                            PRAGMA journal_mode = MEMORY;
                            PRAGMA synchronous = OFF;
                            PRAGMA cache_size = -\(Self.temporaryCacheKiB);
                            """)
                }
                writer = try DatabaseQueue(path: "", configuration: configuration)
            }
            try Self.migrator.migrate(writer)
        } catch {
            throw .database(path: path, reason: String(describing: error))
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: policy objects") { db in
            try db.execute(
                sql: """
                    CREATE TABLE policy_object (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        kind TEXT NOT NULL,
                        sid TEXT NOT NULL UNIQUE,
                        account_sid TEXT NOT NULL,
                        name TEXT NOT NULL,
                        resource BLOB NOT NULL,
                        UNIQUE (kind, account_sid, name)
                    );
                    CREATE INDEX policy_object_by_account ON policy_object (kind, account_sid, seq);
                    """
            )
        }
        migrator.registerMigration("v2: otp sessions, send events") { db in
            try db.execute(
                sql: """
                    CREATE TABLE otp_session (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        request_id TEXT NOT NULL UNIQUE,
                        account_sid TEXT NOT NULL,
                        status TEXT NOT NULL,
                        due_at REAL,
                        session BLOB NOT NULL
                    );
                    CREATE INDEX otp_session_by_account ON otp_session (account_sid, seq);
                    CREATE INDEX otp_session_due ON otp_session (status, due_at);
                    CREATE TABLE send_event (
                        account_sid TEXT NOT NULL,
                        limit_name TEXT NOT NULL,
                        key_value TEXT NOT NULL,
                        at REAL NOT NULL
                    );
                    CREATE INDEX send_event_by_key ON send_event (account_sid, limit_name, key_value, at);
                    """
            )
        }
        migrator.registerMigration("v3: send events by limit sid") { db in
            // Events were kept by limit name; each now belongs to the limit that holds the name, and events of
            // names no limit holds are dropped, since no limit can count them.
            try db.execute(
                sql: """
                    CREATE TABLE send_event_by_sid (
                        limit_sid TEXT NOT NULL,
                        key_value TEXT NOT NULL,
                        at REAL NOT NULL
                    );
                    INSERT INTO send_event_by_sid (limit_sid, key_value, at)
                        SELECT policy_object.sid, send_event.key_value, send_event.at
                        FROM send_event JOIN policy_object
                        ON policy_object.kind = 'limit' AND policy_object.account_sid = send_event.account_sid
                            AND policy_object.name = send_event.limit_name;
                    DROP TABLE send_event;
                    ALTER TABLE send_event_by_sid RENAME TO send_event;
                    CREATE INDEX send_event_by_key ON send_event (limit_sid, key_value, at);
                    CREATE INDEX send_event_by_time ON send_event (at);
                    """
            )
        }
        migrator.registerMigration("v4: canonical resources, counts per account") { db in
            // Each resource is kept exactly as the API writes it (sorted keys, slashes unescaped), so a list page
            // is the stored bytes joined, never decoded and encoded again.
            let rows = try Row.fetchAll(db, sql: "SELECT seq, kind, resource FROM policy_object")
            for row in rows {
                let data: Data = row["resource"]
                let canonical: Data
                switch PolicyKind(rawValue: row["kind"]) {
                case .limit:
                    canonical = try SQLitePolicyStore.encode(try SQLitePolicyStore.decode(LimitResource.self, data))
                case .workflow:
                    canonical = try SQLitePolicyStore.encode(try SQLitePolicyStore.decode(WorkflowResource.self, data))
                case nil: continue
                }
                try db.execute(
                    sql: "UPDATE policy_object SET resource = ? WHERE seq = ?", arguments: [canonical, row["seq"]])
            }
            try db.execute(
                sql: """
                    CREATE TABLE policy_count (
                        kind TEXT NOT NULL,
                        account_sid TEXT NOT NULL,
                        total INTEGER NOT NULL,
                        PRIMARY KEY (kind, account_sid)
                    ) WITHOUT ROWID;
                    INSERT INTO policy_count (kind, account_sid, total)
                        SELECT kind, account_sid, COUNT(*) FROM policy_object GROUP BY kind, account_sid;
                    CREATE TRIGGER policy_counted AFTER INSERT ON policy_object BEGIN
                        INSERT INTO policy_count (kind, account_sid, total) VALUES (NEW.kind, NEW.account_sid, 1)
                            ON CONFLICT DO UPDATE SET total = total + 1;
                    END;
                    CREATE TRIGGER policy_uncounted AFTER DELETE ON policy_object BEGIN
                        UPDATE policy_count SET total = total - 1
                            WHERE kind = OLD.kind AND account_sid = OLD.account_sid;
                    END;
                    """
            )
        }
        migrator.registerMigration("v5: otp sessions as columns, tallies, usage") { db in
            try OTPStore.migrateToColumns(db)
        }
        migrator.registerMigration("v6: policy objects counted per block") { db in
            // Objects per account and block of 1,024 consecutive rows: a page far down the list starts at the
            // block that holds its first object instead of skipping every object before it.
            try db.execute(
                sql: """
                    CREATE TABLE policy_block (
                        kind TEXT NOT NULL,
                        account_sid TEXT NOT NULL,
                        block INTEGER NOT NULL,
                        total INTEGER NOT NULL,
                        PRIMARY KEY (kind, account_sid, block)
                    ) WITHOUT ROWID;
                    INSERT INTO policy_block (kind, account_sid, block, total)
                        SELECT kind, account_sid, seq >> \(blockShift), COUNT(*) FROM policy_object
                        GROUP BY kind, account_sid, seq >> \(blockShift);
                    CREATE TRIGGER policy_block_counted AFTER INSERT ON policy_object BEGIN
                        INSERT INTO policy_block (kind, account_sid, block, total)
                            VALUES (NEW.kind, NEW.account_sid, NEW.seq >> \(blockShift), 1)
                            ON CONFLICT DO UPDATE SET total = total + 1;
                    END;
                    CREATE TRIGGER policy_block_uncounted AFTER DELETE ON policy_object BEGIN
                        UPDATE policy_block SET total = total - 1
                            WHERE kind = OLD.kind AND account_sid = OLD.account_sid AND block = OLD.seq >> \(blockShift);
                        DELETE FROM policy_block
                            WHERE kind = OLD.kind AND account_sid = OLD.account_sid AND block = OLD.seq >> \(blockShift)
                                AND total = 0;
                    END;
                    """
            )
        }
        return migrator
    }

    /// How many accepted sends the store keeps for limits, so its growth can be watched.
    public func acceptedSendCount() async throws(PolicyStoreError) -> Int {
        try await read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM send_event") ?? 0 }
    }

    public func insert<Object: StoredPolicyObject>(_ object: Object) async throws(PolicyStoreError) {
        let resource = try Self.encode(object)
        try await write(name: object.name) { db in
            try db.execute(
                sql: "INSERT INTO policy_object (kind, sid, account_sid, name, resource) VALUES (?, ?, ?, ?, ?)",
                arguments: [Object.kind.rawValue, object.sid, object.accountSid, object.name, resource]
            )
        }
    }

    public func replace<Object: StoredPolicyObject>(
        _ object: Object, ifMatch precondition: WritePrecondition?
    ) async throws(PolicyStoreError) {
        let resource = try Self.encode(object)
        try await write(name: object.name) { db in
            try Self.check(precondition, kind: Object.kind, sid: object.sid, in: db)
            try db.execute(
                sql: "UPDATE policy_object SET name = ?, resource = ? WHERE kind = ? AND sid = ?",
                arguments: [object.name, resource, Object.kind.rawValue, object.sid]
            )
            if db.changesCount == 0 { throw PolicyStoreError.notFound(object.sid) }
        }
    }

    public func delete(
        _ kind: PolicyKind, sid: String, ifMatch precondition: WritePrecondition?
    ) async throws(PolicyStoreError) {
        try await write(name: sid) { db in
            try Self.check(precondition, kind: kind, sid: sid, in: db)
            try db.execute(
                sql: "DELETE FROM policy_object WHERE kind = ? AND sid = ?", arguments: [kind.rawValue, sid]
            )
            if db.changesCount == 0 { throw PolicyStoreError.notFound(sid) }
            // A sid is never reused, so a deleted limit's sends can never count again.
            if kind == .limit {
                try db.execute(sql: "DELETE FROM send_event WHERE limit_sid = ?", arguments: [sid])
            }
        }
    }

    public func object<Object: StoredPolicyObject>(
        _ type: Object.Type, sid: String
    ) async throws(PolicyStoreError) -> Object? {
        let data = try await read { db in
            try Data.fetchOne(
                db, sql: "SELECT resource FROM policy_object WHERE kind = ? AND sid = ?",
                arguments: [Object.kind.rawValue, sid]
            )
        }
        return try data.map { (data) throws(PolicyStoreError) in try Self.decode(Object.self, data) }
    }

    public func search<Object: StoredPolicyObject>(
        _ type: Object.Type, accountSid: String, name: String?, offset: Int, limit: Int
    ) async throws(PolicyStoreError) -> (items: [Object], total: Int) {
        let (rows, total) = try await searchJSON(
            Object.kind, accountSid: accountSid, name: name, offset: offset, limit: limit)
        var items: [Object] = []
        items.reserveCapacity(rows.count)
        for row in rows { items.append(try Self.decode(Object.self, row)) }
        return (items, total)
    }

    public func searchJSON(
        _ kind: PolicyKind, accountSid: String, name: String?, offset: Int, limit: Int
    ) async throws(PolicyStoreError) -> (items: [Data], total: Int) {
        try await read { db in
            if let name {
                // The name is unique in the account, so there is one object or none.
                let row = try Data.fetchOne(
                    db.cachedStatement(
                        sql: "SELECT resource FROM policy_object WHERE kind = ? AND account_sid = ? AND name = ?"),
                    arguments: [kind.rawValue, accountSid, name]
                )
                let rows = row.map { [$0] } ?? []
                return (offset == 0 ? rows : [], rows.count)
            }
            let total =
                try Int.fetchOne(
                    db.cachedStatement(sql: "SELECT total FROM policy_count WHERE kind = ? AND account_sid = ?"),
                    arguments: [kind.rawValue, accountSid]
                ) ?? 0
            guard offset < total, limit > 0 else { return ([], total) }
            // The page starts in the block of 1,024 rows whose running count passes `offset`; from there its sids
            // are found in the index alone (kind, account, seq), skipping fewer than 1,024 entries, and only the
            // page's own rows are read.
            let blocks = try Row.fetchCursor(
                db.cachedStatement(
                    sql: "SELECT block, total FROM policy_block WHERE kind = ? AND account_sid = ? ORDER BY block"),
                arguments: [kind.rawValue, accountSid]
            )
            var skipped = 0
            var start = (block: 0, offset: offset)
            while let row = try blocks.next() {
                let count: Int = row[1]
                if skipped + count > offset {
                    start = (row[0], offset - skipped)
                    break
                }
                skipped += count
            }
            let rows = try Data.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT resource FROM policy_object WHERE seq IN (
                            SELECT seq FROM policy_object WHERE kind = ? AND account_sid = ? AND seq >= ?
                            ORDER BY seq LIMIT ? OFFSET ?
                        ) ORDER BY seq
                        """),
                arguments: [kind.rawValue, accountSid, start.block << Self.blockShift, limit, start.offset]
            )
            return (rows, total)
        }
    }

    /// Throws unless the stored object meets `precondition`; runs inside the write's transaction, so no other
    /// write can come between the check and the change.
    private static func check(
        _ precondition: WritePrecondition?, kind: PolicyKind, sid: String, in db: Database
    ) throws {
        guard let precondition, precondition != .exists else { return }
        guard
            let data = try Data.fetchOne(
                db, sql: "SELECT resource FROM policy_object WHERE kind = ? AND sid = ?",
                arguments: [kind.rawValue, sid]
            )
        else { throw PolicyStoreError.notFound(sid) }
        let current =
            switch kind {
            case .limit: try decode(LimitResource.self, data).fingerprint
            case .workflow: try decode(WorkflowResource.self, data).fingerprint
            }
        guard precondition.admits(current) else {
            throw PolicyStoreError.preconditionFailed(sid: sid, current: current)
        }
    }

    private func write(
        name: String, _ body: @escaping @Sendable (Database) throws -> Void
    ) async throws(PolicyStoreError) {
        do {
            try await writer.write(body)
        } catch let error as PolicyStoreError {
            throw error
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw .duplicateName(name)
        } catch {
            throw .database(String(describing: error))
        }
    }

    private func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(PolicyStoreError)
        -> T
    {
        do {
            return try await writer.read(body)
        } catch {
            throw .database(String(describing: error))
        }
    }

    /// The resource as the API writes it, which is how the store keeps it.
    private static func encode<Object: Encodable>(_ object: Object) throws(PolicyStoreError) -> Data {
        do { return try WireCoding.makeEncoder().encode(object) } catch { throw .database("cannot encode: \(error)") }
    }

    private static func decode<Object: Decodable>(_ type: Object.Type, _ data: Data) throws(PolicyStoreError) -> Object
    {
        do { return try JSONDecoder().decode(type, from: data) } catch { throw .database("cannot decode: \(error)") }
    }
}
