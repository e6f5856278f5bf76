import Foundation
import GRDB
import HTTPTypes
import LimitEngine
import MittoWire
import PolicyModel

/// Records: session detail records, searches and usage, read after due sessions are brought up to date.
extension OTPEngine {
    func record(_ requestID: String, caller: String) async throws -> SessionDetailRecord {
        try await advance()
        let session = try await store.writer.read { db in try OTPStore.session(requestID, in: db) }
        guard let session, directory.may(caller, actOn: session.accountSid) else {
            throw APIError(.notFound, "Request \(requestID) not found")
        }
        return session.record
    }

    /// One page of the sessions `filter` matches, oldest first, as records' JSON, with the count of all matches;
    /// read after bringing due sessions up to date, outside any write.
    func search(_ filter: SessionFilter, offset: Int, limit: Int) async throws -> (records: [Data], total: Int) {
        try await advance()
        return try await store.search(filter, offset: offset, limit: limit)
    }

    /// Messages delivered for the account per day and channel, after bringing due sessions up to date.
    func usage(accountSid: String) async throws -> [(day: String, channel: String, count: Int)] {
        try await advance()
        return try await store.usage(accountSid: accountSid)
    }
}
