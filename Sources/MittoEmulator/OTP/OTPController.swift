import Foundation
import MittoWire
import PolicyModel

/// The OTP routes: send, verify, cancel, session detail records, and the emulator's outbox.
struct OTPController: Sendable {
    let engine: OTPEngine
    let outbox: Outbox?
    let directory: AccountDirectory

    var routes: [Route] {
        var routes = [
            Route(method: .post, pattern: "/2fa/send") { request in
                let send = try SendRequest.read(request)
                return .json(OTPAnswerJSON.write(try await engine.send(send, caller: request.account.account.sid)))
            },
            Route(method: .post, pattern: "/2fa/verify") { request in
                let (requestID, code) = try Self.requestIDAndCode(request, needsCode: true)
                let (status, answer) = try await engine.verify(
                    requestID: requestID, code: code ?? "", caller: request.account.account.sid
                )
                return .jsonWithStatus(status, OTPAnswerJSON.write(answer))
            },
            Route(method: .post, pattern: "/2fa/cancel") { request in
                let (requestID, _) = try Self.requestIDAndCode(request, needsCode: false)
                let (status, answer) = try await engine.cancel(
                    requestID: requestID, caller: request.account.account.sid)
                return .jsonWithStatus(status, OTPAnswerJSON.write(answer))
            },
            Route(method: .get, pattern: "/2fa/search") { request in
                try await search(request, filters: request.query, path: "/2fa/search")
            },
            Route(method: .post, pattern: "/2fa/search") { request in
                try await search(request, filters: request.body ?? .object([]), path: "/2fa/search")
            },
            Route(method: .get, pattern: "/2fa/search/{OTPSid}") { request in
                let sid = request.parameters["OTPSid"] ?? ""
                return .payload(
                    RecordEnvelope(record: try await engine.record(sid, caller: request.account.account.sid)))
            },
        ]
        routes += UsageRecords(engine: engine, directory: directory).routes
        if let outbox {
            routes.append(
                Route(method: .get, pattern: "/_emulator/outbox") { request in
                    var reader = BodyReader(valuesAreText: true)
                    let fields = reader.object(request.query, at: FieldPath(), known: ["to"])
                    let to = fields.flatMap { reader.filter($0, "to") }
                    guard reader.problems.isEmpty else { throw APIError.invalid(reader.problems) }
                    try await engine.advance()
                    let messages = outbox.messages(accountSids: [request.account.account.sid], to: to)
                    return .payload(OutboxPage(messages: messages))
                }
            )
        }
        return routes
    }

    private static func requestIDAndCode(_ request: APIRequest, needsCode: Bool) throws -> (String, String?) {
        var reader = BodyReader(valuesAreText: request.bodyIsForm)
        let known = needsCode ? ["requestID", "code", "accountSid"] : ["requestID", "accountSid"]
        guard let fields = reader.object(request.body, at: FieldPath(), known: known) else {
            throw APIError.invalid(reader.problems)
        }
        let requestID = reader.string(fields, "requestID", required: true)
        var code: String?
        if needsCode {
            // A code with leading zeros may arrive as a JSON number; it is compared as the digits given.
            if case .number(let digits)? = fields.values["code"] {
                code = digits
            } else {
                code = reader.string(fields, "code", required: true)
            }
        }
        guard reader.problems.isEmpty, let requestID else { throw APIError.invalid(reader.problems) }
        return (requestID, code)
    }

    private func search(_ request: APIRequest, filters: WireValue, path: String) async throws -> APIResponse {
        let caller = request.account.account.sid
        var reader = BodyReader(valuesAreText: filters != request.body || request.bodyIsForm)
        let known = [
            "requestID", "to", "from", "channel", "workflow", "status", "service", "accountSid", "startDate", "endDate",
            "page", "pageSize",
        ]
        guard let fields = reader.object(filters, at: FieldPath(), known: known) else {
            throw APIError.invalid(reader.problems)
        }
        var text: [String: String] = [:]
        for key in [
            "requestID", "to", "from", "channel", "workflow", "status", "service", "accountSid", "startDate", "endDate",
        ] {
            text[key] = reader.filter(fields, key)
        }
        let page = reader.int(fields, "page") ?? 0
        let pageSize = reader.int(fields, "pageSize") ?? Paging.defaultPageSize
        var problems = reader.problems
        if !(0...SearchQuery.maxPage).contains(page) {
            problems.append(
                .init(
                    field: FieldPath([.key("page")]), kind: .outOfRange,
                    message: "must be between 0 and \(SearchQuery.maxPage), got \(page)"))
        }
        if !(1...Paging.maxPageSize).contains(pageSize) {
            problems.append(
                .init(
                    field: FieldPath([.key("pageSize")]), kind: .outOfRange,
                    message: "must be between 1 and \(Paging.maxPageSize), got \(pageSize)"))
        }
        let start = text["startDate"].map { ($0, Timestamp.parseDay($0)) }
        let end = text["endDate"].map { ($0, Timestamp.parseDay($0)) }
        for (key, parsed) in [("startDate", start), ("endDate", end)] where parsed != nil && parsed!.1 == nil {
            problems.append(
                .init(field: FieldPath([.key(key)]), kind: .invalidFormat, message: "must be a date YYYY-MM-DD"))
        }
        if let status = text["status"], OTPStatus(rawValue: status) == nil {
            problems.append(
                .init(
                    field: FieldPath([.key("status")]), kind: .invalidFormat,
                    message: "must be one of \(OTPStatus.allCases.map(\.rawValue).joined(separator: ", "))"))
        }
        guard problems.isEmpty else { throw APIError.invalid(problems) }
        let accountSid = text["accountSid"] ?? caller
        guard directory.may(caller, actOn: accountSid) else { throw APIError.forbiddenAccount(accountSid) }
        let filter = SessionFilter(
            accountSid: accountSid, requestID: text["requestID"], to: text["to"], from: text["from"],
            channel: text["channel"], workflow: text["workflow"], status: text["status"].flatMap(OTPStatus.init),
            service: text["service"], startDay: start?.1.map(Timestamp.dayNumber),
            endDay: end?.1.map(Timestamp.dayNumber)
        )
        let (records, total) = try await engine.search(filter, offset: page * pageSize, limit: pageSize)
        let numPages = (total + pageSize - 1) / pageSize
        var query = ["page=\(page + 1)", "pageSize=\(pageSize)"]
        for (key, value) in text.sorted(by: { $0.key < $1.key }) {
            query.append("\(key)=\(PercentEncoding.encode(value))")
        }
        let next = page + 1 < numPages ? path + "?" + query.joined(separator: "&") : nil
        return .json(
            JSONPage(
                listKey: SessionDetailRecord.listKey, items: records, page: page, pageSize: pageSize, total: total,
                numPages: numPages, nextPageUri: next
            ).json
        )
    }
}

/// `{"code":200,"message":"OK","messages":[…]}`, the outbox.
struct OutboxPage: Encodable, Sendable {
    var code = 200
    var message = "OK"
    var messages: [OutboxMessage]
}
