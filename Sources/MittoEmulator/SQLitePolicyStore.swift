import Foundation
import GRDB
import MittoWire

/// A `PolicyStore` in SQLite through GRDB: a WAL-mode file that survives a killed process, or an in-memory database
/// with the same schema and constraints, so the two storage modes cannot behave differently.
public final class SQLitePolicyStore: PolicyStore {
    /// Where the database lives.
    public enum Location: Sendable, Equatable {
        /// A file, opened in WAL mode and migrated on open.
        case file(String)
        /// Process memory, gone when the emulator stops.
        case inMemory
    }

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
                writer = try DatabaseQueue(configuration: configuration)
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
        let (rows, total) = try await read { db in
            var filter = "kind = ? AND account_sid = ?"
            var arguments: StatementArguments = [Object.kind.rawValue, accountSid]
            if let name {
                filter += " AND name = ?"
                arguments += [name]
            }
            let total = try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM policy_object WHERE \(filter)", arguments: arguments)
            let rows = try Data.fetchAll(
                db, sql: "SELECT resource FROM policy_object WHERE \(filter) ORDER BY seq LIMIT ? OFFSET ?",
                arguments: arguments + [limit, offset]
            )
            return (rows, total ?? 0)
        }
        var items: [Object] = []
        items.reserveCapacity(rows.count)
        for row in rows { items.append(try Self.decode(Object.self, row)) }
        return (items, total)
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

    private static func encode<Object: Encodable>(_ object: Object) throws(PolicyStoreError) -> Data {
        do { return try JSONEncoder().encode(object) } catch { throw .database("cannot encode: \(error)") }
    }

    private static func decode<Object: Decodable>(_ type: Object.Type, _ data: Data) throws(PolicyStoreError) -> Object
    {
        do { return try JSONDecoder().decode(type, from: data) } catch { throw .database("cannot decode: \(error)") }
    }
}
