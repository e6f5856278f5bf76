import GRDB
import Synchronization

/// Write operations that share transactions: each operation runs in a savepoint of its own, so one that fails
/// changes nothing, and the operations that arrived while the last transaction ran are committed together. The
/// cost of a commit (a WAL write and its bookkeeping) is paid once per batch instead of once per request, and no
/// operation is answered before its changes are committed.
final class GroupCommit: Sendable {
    private struct Job: Sendable {
        /// Runs the operation, in a savepoint when `isolated`, and keeps its outcome; false when it failed.
        var run: @Sendable (Database, _ isolated: Bool) -> Bool
        /// Answers the caller: the operation's outcome, or the commit's failure.
        var finish: @Sendable ((any Error)?) -> Void
    }

    private struct Queue {
        var jobs: [Job] = []
        var draining = false
    }

    private let writer: any DatabaseWriter
    private let queue = Mutex(Queue())

    init(writer: any DatabaseWriter) {
        self.writer = writer
    }

    /// Runs `body` inside a write transaction, possibly shared with other operations, and returns once it is
    /// committed; if `body` throws, its own changes are rolled back and the error is thrown here.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let outcome = Outcome<T>()
            let job = Job(
                run: { db, isolated in
                    let result: Result<T, any Error>
                    do {
                        if isolated {
                            result = .success(try Self.inSavepoint(db) { try body(db) })
                        } else {
                            result = .success(try body(db))
                        }
                    } catch {
                        result = .failure(error)
                    }
                    outcome.result.withLock { $0 = result }
                    if case .failure = result { return false }
                    return true
                },
                finish: { commitError in
                    if let commitError {
                        continuation.resume(throwing: commitError)
                    } else {
                        continuation.resume(with: outcome.result.withLock { $0 } ?? .failure(CancellationError()))
                    }
                }
            )
            let start = queue.withLock { queue in
                queue.jobs.append(job)
                guard !queue.draining else { return false }
                queue.draining = true
                return true
            }
            if start { writer.asyncWriteWithoutTransaction { db in self.drain(db) } }
        }
    }

    /// Commits batches until no operation is waiting.
    private func drain(_ db: Database) {
        while true {
            let jobs = queue.withLock { queue in
                let jobs = queue.jobs
                queue.jobs.removeAll(keepingCapacity: true)
                if jobs.isEmpty { queue.draining = false }
                return jobs
            }
            guard !jobs.isEmpty else { return }
            var failure: (any Error)?
            do {
                // An operation alone in its batch needs no savepoint: if it fails, its transaction is rolled back.
                let alone = jobs.count == 1
                try db.inTransaction {
                    var succeeded = true
                    for job in jobs { succeeded = job.run(db, !alone) && succeeded }
                    return alone && !succeeded ? .rollback : .commit
                }
            } catch {
                failure = error
            }
            for job in jobs { job.finish(failure) }
        }
    }
}

extension GroupCommit {
    /// Runs `body` in a savepoint, rolled back if it throws. The three statements are prepared once per connection
    /// (GRDB's `inSavepoint` compiles its SQL anew each time, twice for every operation of a batch).
    fileprivate static func inSavepoint<T>(_ db: Database, _ body: () throws -> T) throws -> T {
        try db.cachedStatement(sql: "SAVEPOINT operation").execute()
        let value: T
        do {
            value = try body()
        } catch {
            // The body's error is the one to report: a rollback that fails too (SQLite may have ended the
            // transaction already) fails the whole batch when it commits.
            try? db.cachedStatement(sql: "ROLLBACK TO SAVEPOINT operation").execute()
            try? db.cachedStatement(sql: "RELEASE SAVEPOINT operation").execute()
            throw error
        }
        try db.cachedStatement(sql: "RELEASE SAVEPOINT operation").execute()
        return value
    }
}

/// One operation's outcome, kept from its savepoint until its transaction is committed.
private final class Outcome<T: Sendable>: Sendable {
    let result = Mutex<Result<T, any Error>?>(nil)
}
