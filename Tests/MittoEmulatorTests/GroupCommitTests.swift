import GRDB
import Testing

@testable import MittoEmulator

/// Operations that share a transaction: each in a savepoint of its own, so one that fails changes nothing.
@Suite("GroupCommit: operations sharing a transaction")
struct GroupCommitTests {
    private struct Refused: Error {
        var n: Int
    }

    @Test("of 300 operations at once, each failing one changes nothing and gets its own error; the rest commit")
    func failuresRollBackAlone() async throws {
        let queue = try DatabaseQueue()
        try await queue.write { try $0.execute(sql: "CREATE TABLE item (n INTEGER PRIMARY KEY, note TEXT)") }
        let commits = GroupCommit(writer: queue)
        let outcomes = await withTaskGroup(of: (Int, Result<Int, Refused>).self) { group in
            for n in 0..<300 {
                group.addTask {
                    do {
                        let value = try await commits.write { db -> Int in
                            try db.execute(sql: "INSERT INTO item (n) VALUES (?)", arguments: [n])
                            try db.execute(sql: "UPDATE item SET note = 'seen' WHERE n = ?", arguments: [n])
                            if n % 3 == 0 { throw Refused(n: n) }
                            return n * 2
                        }
                        return (n, .success(value))
                    } catch let refused as Refused {
                        return (n, .failure(refused))
                    } catch {
                        return (n, .failure(Refused(n: -1)))
                    }
                }
            }
            var outcomes: [Int: Result<Int, Refused>] = [:]
            for await (n, outcome) in group { outcomes[n] = outcome }
            return outcomes
        }
        for n in 0..<300 {
            switch outcomes[n] {
            case .success(let value)?: #expect(n % 3 != 0 && value == n * 2, "\(n)")
            case .failure(let refused)?: #expect(n % 3 == 0 && refused.n == n, "\(n) got another's error")
            case nil: Issue.record("\(n) has no outcome")
            }
        }
        let stored = try await queue.read { try Int.fetchAll($0, sql: "SELECT n FROM item WHERE note = 'seen'") }
        #expect(Set(stored) == Set((0..<300).filter { $0 % 3 != 0 }))
        // The savepoints' statements are left in a state the next operation can use.
        #expect(try await commits.write { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM item") } == 200)
    }
}
