import Foundation
import HTTPTypes
import MittoWire
import PolicyModel

/// The five routes of one policy kind: create, replace, delete, search and read one.
///
/// Limits and workflows follow the same rules and differ only in paths, body and envelope, so one generic
/// controller serves both.
struct PolicyController<Object: StoredPolicyObject, Policy: Sendable>: Sendable {
    /// `Limit` or `Workflow`, for messages.
    var noun: String
    /// `/2fa/limits`.
    var collectionPath: String
    /// Where one object is read: `/2fa/limits/{limitSid}` or `/2fa/workflows/search/{workflowSid}`.
    var readPath: String
    /// Where one object is replaced and deleted.
    var itemPath: String
    /// The sid's parameter name in the paths.
    var sidParameter: String
    /// Reads and checks a create or replace body.
    var readBody: @Sendable (APIRequest) -> Result<(Policy, accountSid: String?), APIError>
    /// Builds the stored resource.
    var makeResource:
        @Sendable (_ sid: String, _ accountSid: String, Policy, _ created: String, _ updated: String) -> Object
    /// Wraps one object in its success envelope.
    var envelope: @Sendable (Object) -> any Encodable & Sendable
    var store: any PolicyStore
    var directory: AccountDirectory
    var environment: EmulatorEnvironment

    var routes: [Route] {
        [
            Route(method: .post, pattern: collectionPath) { try await create($0) },
            Route(method: .get, pattern: collectionPath + "/search") { try await search($0) },
            Route(method: .get, pattern: readPath) { try await read($0) },
            Route(method: .put, pattern: itemPath) { try await replace($0) },
            Route(method: .delete, pattern: itemPath) { try await delete($0) },
        ]
    }

    private func create(_ request: APIRequest) async throws -> APIResponse {
        let (policy, requestedAccount) = try readBody(request).get()
        let accountSid = try targetAccount(requestedAccount, caller: request.account.account.sid)
        let sid = Object.kind.sidPrefix + environment.randomHex()
        let now = environment.timestamp()
        let object = makeResource(sid, accountSid, policy, now, now)
        try await translate { () throws(PolicyStoreError) in try await store.insert(object) }
        return tagged(object)
    }

    private func replace(_ request: APIRequest) async throws -> APIResponse {
        let ifMatch = request.headers[.ifMatch]
        let precondition = try WritePrecondition(ifMatch: ifMatch)
        let existing = try await visibleObject(request)
        let (policy, requestedAccount) = try readBody(request).get()
        if let requestedAccount, requestedAccount != existing.accountSid {
            _ = try targetAccount(requestedAccount, caller: request.account.account.sid)
            throw APIError.invalid([
                .init(
                    field: FieldPath([.key("accountSid")]), kind: .inconsistent,
                    message: "is \(requestedAccount), but the \(noun.lowercased()) belongs to \(existing.accountSid)"
                )
            ])
        }
        let object = makeResource(
            existing.sid, existing.accountSid, policy, existing.dateCreated, environment.timestamp()
        )
        try await translate(ifMatch: ifMatch) { () throws(PolicyStoreError) in
            try await store.replace(object, ifMatch: precondition)
        }
        return tagged(object)
    }

    private func delete(_ request: APIRequest) async throws -> APIResponse {
        let ifMatch = request.headers[.ifMatch]
        let precondition = try WritePrecondition(ifMatch: ifMatch)
        let existing = try await visibleObject(request)
        try await translate(ifMatch: ifMatch) { () throws(PolicyStoreError) in
            try await store.delete(Object.kind, sid: existing.sid, ifMatch: precondition)
        }
        return .payload(StatusEnvelope(code: 200, message: "OK"))
    }

    private func read(_ request: APIRequest) async throws -> APIResponse {
        tagged(try await visibleObject(request))
    }

    /// One object's envelope with its `ETag`, the fingerprint a later `If-Match` names.
    private func tagged(_ object: Object) -> APIResponse {
        .payloadWithHeaders([.eTag: WritePrecondition.entityTag(object.fingerprint)], envelope(object))
    }

    private func search(_ request: APIRequest) async throws -> APIResponse {
        let query = try SearchQuery(request.query)
        let accountSid = try targetAccount(query.accountSid, caller: request.account.account.sid)
        let (items, total) = try await translate { () throws(PolicyStoreError) in
            try await store.searchJSON(
                Object.kind, accountSid: accountSid, name: query.name, offset: query.page * query.pageSize,
                limit: query.pageSize
            )
        }
        let numPages = (total + query.pageSize - 1) / query.pageSize
        let next = query.page + 1 < numPages ? query.uri(path: collectionPath + "/search", page: query.page + 1) : nil
        // The stored JSON of each object is the page's item as it is: nothing is decoded to be encoded again.
        return .json(
            JSONPage(
                listKey: Object.listKey, items: items, page: query.page, pageSize: query.pageSize, total: total,
                numPages: numPages, nextPageUri: next
            ).json
        )
    }

    /// The object named by the path's sid, if the caller may see it; 404 otherwise, so other accounts' sids leak
    /// nothing.
    private func visibleObject(_ request: APIRequest) async throws -> Object {
        let sid = request.parameters[sidParameter] ?? ""
        let object = try await translate { () throws(PolicyStoreError) in try await store.object(Object.self, sid: sid)
        }
        guard let object, directory.may(request.account.account.sid, actOn: object.accountSid) else {
            throw APIError.notFound(noun, sid)
        }
        return object
    }

    private func targetAccount(_ requested: String?, caller: String) throws -> String {
        guard let requested else { return caller }
        guard directory.may(caller, actOn: requested) else { throw APIError.forbiddenAccount(requested) }
        return requested
    }

    /// Runs a store call, turning its errors into the API's; `ifMatch` is the header a precondition came from.
    private func translate<T>(
        ifMatch: String? = nil, _ body: () async throws(PolicyStoreError) -> T
    ) async throws -> T {
        do {
            return try await body()
        } catch .duplicateName(let name) {
            throw APIError(.conflict, "A \(noun.lowercased()) named '\(name)' already exists in this account")
        } catch .notFound(let sid) {
            throw APIError.notFound(noun, sid)
        } catch .preconditionFailed(let sid, let current) {
            throw APIError.preconditionFailed(noun, sid: sid, ifMatch: ifMatch ?? "", current: current)
        } catch .database(let reason) {
            throw APIError(.internalServerError, "Storage failed: \(reason)")
        }
    }
}

/// The query of a search: filters and paging, checked.
struct SearchQuery {
    var name: String?
    var accountSid: String?
    var page: Int
    var pageSize: Int

    /// The last page number accepted; keeps `page * pageSize` far from overflow.
    static let maxPage = 10_000_000

    init(_ query: WireValue) throws {
        var reader = BodyReader(valuesAreText: true)
        let fields = reader.object(query, at: FieldPath(), known: ["name", "accountSid", "page", "pageSize"])
        name = fields.flatMap { reader.filter($0, "name") }
        accountSid = fields.flatMap { reader.filter($0, "accountSid") }
        page = fields.flatMap { reader.int($0, "page") } ?? 0
        pageSize = fields.flatMap { reader.int($0, "pageSize") } ?? Paging.defaultPageSize
        if !(0...Self.maxPage).contains(page) {
            reader.report([
                .init(
                    field: FieldPath([.key("page")]), kind: .outOfRange,
                    message: "must be between 0 and \(Self.maxPage), got \(page)"
                )
            ])
        }
        if !(1...Paging.maxPageSize).contains(pageSize) {
            reader.report([
                .init(
                    field: FieldPath([.key("pageSize")]), kind: .outOfRange,
                    message: "must be between 1 and \(Paging.maxPageSize), got \(pageSize)"
                )
            ])
        }
        guard reader.problems.isEmpty else { throw APIError.invalid(reader.problems) }
    }

    func uri(path: String, page: Int) -> String {
        var fields = ["page=\(page)", "pageSize=\(pageSize)"]
        if let name { fields.append("name=\(PercentEncoding.encode(name))") }
        if let accountSid { fields.append("accountSid=\(PercentEncoding.encode(accountSid))") }
        return path + "?" + fields.joined(separator: "&")
    }
}
