import Foundation
import GRDB
import HTTPTypes
import LimitEngine
import MittoWire
import PolicyModel

/// Sends, verifies and cancels one-time passwords: limits enforced, workflows run step by step on the injected
/// clock, codes kept only as keyed hashes.
///
/// Each operation reads, changes and writes its session inside one write of the database (a savepoint in a
/// transaction `GroupCommit` may share with other operations), and writes run one at a time: two verifies of one
/// session, or a verify and the ticker, cannot overwrite each other's changes, and nothing else waits on the engine. Everything a transaction does besides SQL (taking a queued message,
/// delivering it to the outbox) is a short synchronous step; callbacks are queued once the transaction committed.
/// Searches and usage read outside any write, from their own snapshot.
final class OTPEngine: Sendable {
    let store: OTPStore
    let policies: any PolicyStore
    let directory: AccountDirectory
    let outbox: Outbox
    let queue = DeliveryQueue()
    let callbacks: CallbackDispatcher
    let environment: EmulatorEnvironment
    let hasher = CodeHasher()
    /// The share of deliveries made to fail, so fallback can be seen.
    let deliveryFailureRate: Double

    init(
        store: OTPStore, policies: any PolicyStore, directory: AccountDirectory, outbox: Outbox,
        callbacks: CallbackDispatcher, environment: EmulatorEnvironment, deliveryFailureRate: Double
    ) {
        self.store = store
        self.policies = policies
        self.directory = directory
        self.outbox = outbox
        self.callbacks = callbacks
        self.environment = environment
        self.deliveryFailureRate = deliveryFailureRate
    }

    /// Runs `body` as one write (a savepoint of a transaction it may share with others' writes) and, once that is
    /// committed, reports the status changes it collected.
    private func transaction<T: Sendable>(
        _ body: @escaping @Sendable (Database, inout [OTPSession]) throws -> T
    ) async throws -> T {
        let (result, changed) = try await store.commits.write { db in
            var changed: [OTPSession] = []
            let result = try body(db, &changed)
            return (result, changed)
        }
        for session in changed { notify(session) }
        return result
    }

    // MARK: Send

    func send(_ request: SendRequest, caller: String) async throws -> SendResponse {
        let now = environment.now()
        let accountSid = try target(request.accountSid, caller: caller)
        let (messages, codeLength, codeTtl, maxAttempts, workflowName) = try await plan(request, accountSid: accountSid)
        let requestID = "OTP" + environment.randomHex()
        var session = OTPSession(
            requestID: requestID, accountSid: accountSid, service: request.service, from: messages.first?.from,
            to: request.to, channel: workflowName == nil ? (request.channel ?? .sms) : nil, workflow: workflowName,
            status: .pending, blockedBy: nil, limits: request.limits, messages: messages, attempts: [],
            nextMessage: 0, nextMessageAt: now, verifyAttempts: 0, maxAttempts: maxAttempts, codeHash: Data(),
            expiresAt: now.addingTimeInterval(Double(codeTtl)), callbackUrl: request.callbackUrl,
            callbackMethod: request.callbackMethod, dateCreated: now, dateUpdated: now
        )
        let code = request.code ?? CodeHasher.randomCode(length: codeLength)
        session.codeHash = hasher.hash(code)
        var rendered: [Int: Delivery] = [:]
        for (index, message) in messages.enumerated() {
            rendered[index] = Delivery(
                OutboxMessage(
                    requestID: requestID, accountSid: accountSid, channel: message.channel.rawValue,
                    from: message.channel == .email ? message.emailFrom : message.from, to: request.to,
                    subject: message.subject, body: "", sentAt: "", deliveryStatus: ""
                ),
                template: message.body, code: code
            )
        }
        let limits = request.limits.sorted { $0.key < $1.key }
        let prepared = session
        let deliveries = rendered
        let refusal: LimitEngine.Refusal?
        do {
            refusal = try await transaction { db, changed in
                var session = prepared
                let applications = try Self.limitApplications(limits, accountSid: accountSid, now: now, in: db)
                if let refusal = LimitEngine.check(applications, at: now) {
                    session.status = .blocked
                    session.blockedBy = BlockedBy(limit: refusal.limit, bucket: refusal.bucket)
                    session.nextMessageAt = nil
                    try OTPStore.insert(session, in: db)
                    changed.append(session)
                    return refusal
                }
                try OTPStore.recordSends(
                    applications.map { .init(limitSid: $0.limitSid, keyValue: $0.keyValue, at: now) }, at: now, in: db
                )
                self.queue.enqueue(requestID, deliveries)
                self.deliverDue(&session, now: now)
                try OTPStore.insert(session, in: db)
                changed.append(session)
                return nil
            }
        } catch {
            queue.drop(requestID)
            throw error
        }
        if let refusal {
            throw APIError(
                .tooManyRequests,
                "Refused by limit '\(refusal.limit)', bucket '\(refusal.bucket)': \(refusal.count) of \(refusal.max) sends "
                    + "in \(DurationText.format(refusal.interval)) for this key; retry in \(refusal.retryAfter)s",
                details: [
                    ErrorDetail(
                        field: "limits.\(refusal.limit)",
                        problem: "bucket '\(refusal.bucket)' is full (\(refusal.count) of \(refusal.max))"
                    )
                ],
                headers: [.retryAfter: String(refusal.retryAfter)]
            )
        }
        return SendResponse(requestID: requestID)
    }

    /// The messages, code shape and lifetime of a send: from its workflow, or a single message from its fields.
    private func plan(
        _ request: SendRequest, accountSid: String
    ) async throws -> ([PlannedMessage], codeLength: Int, codeTtl: Int, maxAttempts: Int, workflow: String?) {
        if let name = request.workflow {
            let workflow = try await findWorkflow(name, accountSid: accountSid)
            var problems: [FieldProblem] = []
            let messages = workflow.steps.enumerated().map { index, step in
                let from = step.from ?? request.from
                if from == nil && step.channel != .email {
                    problems.append(
                        .init(
                            field: FieldPath([.key("from")]), kind: .missing,
                            message: "workflow '\(workflow.name)' step \(index + 1) has no sender; give from"
                        )
                    )
                }
                return PlannedMessage(
                    channel: step.channel, from: from, body: step.body, subject: step.subject,
                    emailFrom: step.emailFrom, language: step.language, voice: step.voice, repeat: step.repeat,
                    timeout: step.timeout
                )
            }
            guard problems.isEmpty else { throw APIError.invalid(problems) }
            return (
                messages, request.codeLength ?? workflow.codeLength, workflow.codeTtl, workflow.maxAttempts,
                workflow.name
            )
        }
        let channel = request.channel ?? .sms
        var problems: [FieldProblem] = []
        let path = FieldPath()
        if request.body == nil {
            problems.append(
                .init(field: path.appending("body"), kind: .missing, message: "is required without a workflow"))
        }
        if let body = request.body, !body.contains(PolicyRules.codePlaceholder) {
            problems.append(
                .init(field: path.appending("body"), kind: .missingCodePlaceholder, message: "must contain {code}"))
        }
        if channel == .email {
            if request.emailFrom == nil {
                problems.append(
                    .init(field: path.appending("emailFrom"), kind: .missing, message: "email needs emailFrom"))
            }
            if request.subject == nil {
                problems.append(
                    .init(field: path.appending("subject"), kind: .missing, message: "email needs a subject"))
            }
        } else if request.from == nil {
            problems.append(
                .init(field: path.appending("from"), kind: .missing, message: "is required without a workflow"))
        }
        if request.service == nil {
            problems.append(
                .init(field: path.appending("service"), kind: .missing, message: "is required without a workflow"))
        }
        guard problems.isEmpty else { throw APIError.invalid(problems) }
        let message = PlannedMessage(
            channel: channel, from: request.from, body: request.body ?? "", subject: request.subject,
            emailFrom: request.emailFrom, language: request.language, voice: request.voice, repeat: request.repeat,
            timeout: PolicyRules.codeTtlDefault
        )
        return (
            [message], request.codeLength ?? PolicyRules.codeLengthDefault, PolicyRules.codeTtlDefault,
            PolicyRules.maxAttemptsDefault, nil
        )
    }

    private func findWorkflow(_ nameOrSid: String, accountSid: String) async throws -> Workflow {
        if nameOrSid.hasPrefix("WF"), let found = try? await policies.object(WorkflowResource.self, sid: nameOrSid),
            found.accountSid == accountSid
        {
            return found.workflow
        }
        let (items, _) = try await storeCall { () throws(PolicyStoreError) in
            try await policies.search(
                WorkflowResource.self, accountSid: accountSid, name: nameOrSid, offset: 0, limit: 1)
        }
        guard let found = items.first else {
            throw APIError.invalid([
                .init(
                    field: FieldPath([.key("workflow")]), kind: .invalidFormat,
                    message: "no workflow named or with sid '\(nameOrSid)' in this account")
            ])
        }
        return found.workflow
    }

    private static func limitApplications(
        _ limits: [(key: String, value: String)], accountSid: String, now: Date, in db: Database
    ) throws -> [LimitEngine.Application] {
        var applications: [LimitEngine.Application] = []
        var unknown: [FieldProblem] = []
        for (name, value) in limits {
            guard let (sid, limit) = try OTPStore.limit(named: name, accountSid: accountSid, in: db) else {
                unknown.append(
                    .init(
                        field: FieldPath([.key("limits"), .key(name)]), kind: .invalidFormat,
                        message: "no limit named '\(name)' in this account"))
                continue
            }
            let since = now.addingTimeInterval(-Double(LimitEngine.horizon([limit])))
            let history = try OTPStore.sends(limitSid: sid, value: value, since: since, in: db)
            applications.append(.init(limitSid: sid, limit: limit, keyValue: value, history: history))
        }
        guard unknown.isEmpty else { throw APIError.invalid(unknown) }
        return applications
    }

    // MARK: Verify and cancel

    func verify(requestID: String, code: String, caller: String) async throws -> (HTTPResponse.Status, VerifyResponse) {
        let now = environment.now()
        return try await transaction { db, changed in
            var session = try self.visibleSession(requestID, caller: caller, now: now, in: db, changed: &changed)
            let attemptsBefore = session.attempts.count
            switch session.status {
            case .pending:
                if self.hasher.matches(code, session.codeHash) {
                    session.status = .verified
                    session.verifyAttempts += 1
                    session.dateUpdated = now
                    session.nextMessageAt = nil
                    self.queue.drop(requestID)
                    try OTPStore.update(session, attemptsBefore: attemptsBefore, in: db)
                    changed.append(session)
                    return (
                        .ok, VerifyResponse(code: 200, message: "Verified", requestID: requestID, status: .verified)
                    )
                }
                session.verifyAttempts += 1
                session.dateUpdated = now
                let remaining = session.maxAttempts - session.verifyAttempts
                if remaining <= 0 {
                    session.status = .failed
                    session.nextMessageAt = nil
                    self.queue.drop(requestID)
                    try OTPStore.update(session, attemptsBefore: attemptsBefore, in: db)
                    changed.append(session)
                    return (
                        .tooManyRequests,
                        VerifyResponse(
                            code: 429, message: "Wrong code; no attempts left", requestID: requestID, status: .failed)
                    )
                }
                try OTPStore.update(session, attemptsBefore: attemptsBefore, in: db)
                return (
                    .badRequest,
                    VerifyResponse(
                        code: 400, message: "Wrong code", requestID: requestID, status: .pending,
                        attemptsRemaining: remaining
                    )
                )
            case .verified:
                return (
                    .conflict,
                    VerifyResponse(code: 409, message: "Already verified", requestID: requestID, status: .verified)
                )
            case .expired, .cancelled:
                return (
                    .gone,
                    VerifyResponse(
                        code: 410, message: "The request is \(session.status.rawValue)", requestID: requestID,
                        status: session.status)
                )
            case .failed:
                return (
                    .tooManyRequests,
                    VerifyResponse(code: 429, message: "No attempts left", requestID: requestID, status: .failed)
                )
            case .blocked:
                return (
                    .conflict,
                    VerifyResponse(
                        code: 409, message: "The request was blocked by a limit; no code was sent",
                        requestID: requestID, status: .blocked)
                )
            }
        }
    }

    func cancel(requestID: String, caller: String) async throws -> (HTTPResponse.Status, VerifyResponse) {
        let now = environment.now()
        return try await transaction { db, changed in
            var session = try self.visibleSession(requestID, caller: caller, now: now, in: db, changed: &changed)
            guard session.status == .pending else {
                return (
                    .conflict,
                    VerifyResponse(
                        code: 409, message: "The request is \(session.status.rawValue), not pending",
                        requestID: requestID, status: session.status)
                )
            }
            let attemptsBefore = session.attempts.count
            session.status = .cancelled
            session.nextMessageAt = nil
            session.dateUpdated = now
            self.queue.drop(requestID)
            try OTPStore.update(session, attemptsBefore: attemptsBefore, in: db)
            changed.append(session)
            return (.ok, VerifyResponse(code: 200, message: "Cancelled", requestID: requestID, status: .cancelled))
        }
    }

    // MARK: Time

    /// Sends every message that has come due and expires every code whose lifetime passed, as of the clock's now.
    func advance() async throws {
        let now = environment.now()
        // Most calls find nothing due: that is one indexed read, and no write.
        guard try await store.hasDue(at: now) else { return }
        try await transaction { db, changed in
            for var session in try OTPStore.dueSessions(at: now, in: db) {
                let attemptsBefore = session.attempts.count
                self.bringUpToDate(&session, now: now)
                try OTPStore.update(session, attemptsBefore: attemptsBefore, in: db)
                if session.status != .pending { changed.append(session) }
            }
        }
    }

    /// Delivers the session's messages due by `now` and expires it if its code's lifetime passed.
    private func bringUpToDate(_ session: inout OTPSession, now: Date) {
        deliverDue(&session, now: now)
        if session.status == .pending && session.expiresAt <= now {
            session.status = .expired
            session.nextMessageAt = nil
            session.dateUpdated = session.expiresAt
            queue.drop(session.requestID)
        }
    }

    /// Delivers, in order, the messages due by `now` and before the code expires.
    private func deliverDue(_ session: inout OTPSession, now: Date) {
        while session.status == .pending, session.nextMessage < session.messages.count,
            let due = session.nextMessageAt, due <= now, due < session.expiresAt
        {
            let index = session.nextMessage
            let failed = deliveryFailureRate > 0 && environment.random() < deliveryFailureRate
            var delivered = queue.take(session.requestID, index: index)
            let status = delivered == nil || failed ? "failed" : "delivered"
            let sentAt = Timestamp.format(due)
            delivered?.message.sentAt = sentAt
            delivered?.message.deliveryStatus = status
            if let delivered { outbox.deliver(delivered) }
            session.attempts.append(
                DeliveryAttempt(
                    channel: session.messages[index].channel.rawValue, sentAt: sentAt, deliveryStatus: status)
            )
            session.nextMessage += 1
            session.dateUpdated = due
            // A failed delivery moves on to the next step at once; otherwise the step's timeout runs first.
            session.nextMessageAt =
                session.nextMessage < session.messages.count
                ? (status == "failed" ? due : due.addingTimeInterval(Double(session.messages[index].timeout))) : nil
        }
    }

    // MARK: Records

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

    // MARK: Helpers

    /// The session, brought up to date as of `now` (and stored so, its status change collected), if the caller
    /// may see it; 404 otherwise.
    private func visibleSession(
        _ requestID: String, caller: String, now: Date, in db: Database, changed: inout [OTPSession]
    ) throws -> OTPSession {
        guard var session = try OTPStore.session(requestID, in: db), directory.may(caller, actOn: session.accountSid)
        else {
            throw APIError(.notFound, "Request \(requestID) not found")
        }
        guard session.status == .pending, let due = OTPStore.dueAt(session), due <= now.timeIntervalSince1970 else {
            return session
        }
        let attemptsBefore = session.attempts.count
        bringUpToDate(&session, now: now)
        try OTPStore.update(session, attemptsBefore: attemptsBefore, in: db)
        if session.status != .pending { changed.append(session) }
        return session
    }

    private func target(_ requested: String?, caller: String) throws -> String {
        guard let requested else { return caller }
        guard directory.may(caller, actOn: requested) else { throw APIError.forbiddenAccount(requested) }
        return requested
    }

    private func notify(_ session: OTPSession) {
        let account = directory.callback(for: session.accountSid)
        guard let url = session.callbackUrl ?? account?.url else { return }
        let method = session.callbackMethod ?? (session.callbackUrl == nil ? account?.method : nil) ?? "POST"
        callbacks.enqueue(
            CallbackDispatcher.Event(
                url: url, method: method, requestID: session.requestID, accountSid: session.accountSid,
                channel: session.attempts.last?.channel ?? session.channel?.rawValue ?? session.messages.first?.channel
                    .rawValue ?? "",
                to: session.to, status: session.status.rawValue, timestamp: Timestamp.format(session.dateUpdated)
            )
        )
    }

    private func storeCall<T>(_ body: () async throws(PolicyStoreError) -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw APIError(.internalServerError, "Storage failed")
        }
    }
}
