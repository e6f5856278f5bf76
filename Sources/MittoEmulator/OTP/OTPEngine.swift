import Foundation
import HTTPTypes
import LimitEngine
import MittoWire
import PolicyModel

/// Sends, verifies and cancels one-time passwords: limits enforced, workflows run step by step on the injected
/// clock, codes kept only as keyed hashes. One actor, so each request's state changes one at a time.
actor OTPEngine {
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
    /// Whether an operation holds the engine. Actor methods interleave at every `await` (the store is async), so
    /// each operation takes this turn for its whole read-change-write, or a send, a verify and the ticker could
    /// overwrite each other's changes to one session.
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

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

    // MARK: Turns

    private func takeTurn() async {
        guard busy else {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func endTurn() {
        if waiting.isEmpty {
            busy = false
        } else {
            waiting.removeFirst().resume()
        }
    }

    /// Runs `body` alone: no other engine operation starts until it ends.
    private func exclusively<T>(_ body: () async throws -> T) async throws -> T {
        await takeTurn()
        defer { endTurn() }
        return try await body()
    }

    // MARK: Send

    func send(_ request: SendRequest, caller: String) async throws -> SendResponse {
        try await exclusively { try await sendAlone(request, caller: caller) }
    }

    private func sendAlone(_ request: SendRequest, caller: String) async throws -> SendResponse {
        let now = environment.now()
        let accountSid = try target(request.accountSid, caller: caller)
        let (messages, codeLength, codeTtl, maxAttempts, workflowName) = try await plan(request, accountSid: accountSid)
        let requestID = "OTP" + environment.randomHex()
        var session = OTPSession(
            requestID: requestID, accountSid: accountSid, service: request.service, to: request.to,
            channel: workflowName == nil ? (request.channel ?? .sms) : nil, workflow: workflowName, status: .pending,
            blockedBy: nil, limits: request.limits, messages: messages, attempts: [], nextMessage: 0,
            nextMessageAt: now, verifyAttempts: 0, maxAttempts: maxAttempts, codeHash: Data(),
            expiresAt: now.addingTimeInterval(Double(codeTtl)), callbackUrl: request.callbackUrl,
            callbackMethod: request.callbackMethod, dateCreated: now, dateUpdated: now
        )
        let applications = try await limitApplications(request.limits, accountSid: accountSid, now: now)
        if let refusal = LimitEngine.check(applications, at: now) {
            session.status = .blocked
            session.blockedBy = BlockedBy(limit: refusal.limit, bucket: refusal.bucket)
            session.nextMessageAt = nil
            try await store.save(session)
            notify(session)
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
        try await store.recordSend(
            applications.map { .init(limitSid: $0.limitSid, keyValue: $0.keyValue, at: now) }, at: now
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
        await queue.enqueue(requestID, rendered)
        await deliverDue(&session, now: now)
        try await store.save(session)
        notify(session)
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

    private func limitApplications(
        _ limits: [String: String], accountSid: String, now: Date
    ) async throws -> [LimitEngine.Application] {
        var applications: [LimitEngine.Application] = []
        var unknown: [FieldProblem] = []
        for (name, value) in limits.sorted(by: { $0.key < $1.key }) {
            let (items, _) = try await storeCall { () throws(PolicyStoreError) in
                try await policies.search(LimitResource.self, accountSid: accountSid, name: name, offset: 0, limit: 1)
            }
            guard let resource = items.first else {
                unknown.append(
                    .init(
                        field: FieldPath([.key("limits"), .key(name)]), kind: .invalidFormat,
                        message: "no limit named '\(name)' in this account"))
                continue
            }
            let limit = resource.limit
            let since = now.addingTimeInterval(-Double(LimitEngine.horizon([limit])))
            let history = try await store.sends(limitSid: resource.sid, value: value, since: since)
            applications.append(.init(limitSid: resource.sid, limit: limit, keyValue: value, history: history))
        }
        guard unknown.isEmpty else { throw APIError.invalid(unknown) }
        return applications
    }

    // MARK: Verify and cancel

    func verify(requestID: String, code: String, caller: String) async throws -> (HTTPResponse.Status, VerifyResponse) {
        try await exclusively { try await verifyAlone(requestID: requestID, code: code, caller: caller) }
    }

    private func verifyAlone(
        requestID: String, code: String, caller: String
    ) async throws -> (HTTPResponse.Status, VerifyResponse) {
        try await advanceAlone()
        var session = try await visibleSession(requestID, caller: caller)
        let now = environment.now()
        switch session.status {
        case .pending:
            if hasher.matches(code, session.codeHash) {
                session.status = .verified
                session.verifyAttempts += 1
                session.dateUpdated = now
                session.nextMessageAt = nil
                await queue.drop(requestID)
                try await store.save(session)
                notify(session)
                return (.ok, VerifyResponse(code: 200, message: "Verified", requestID: requestID, status: .verified))
            }
            session.verifyAttempts += 1
            session.dateUpdated = now
            let remaining = session.maxAttempts - session.verifyAttempts
            if remaining <= 0 {
                session.status = .failed
                session.nextMessageAt = nil
                await queue.drop(requestID)
                try await store.save(session)
                notify(session)
                return (
                    .tooManyRequests,
                    VerifyResponse(
                        code: 429, message: "Wrong code; no attempts left", requestID: requestID, status: .failed)
                )
            }
            try await store.save(session)
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
                    code: 409, message: "The request was blocked by a limit; no code was sent", requestID: requestID,
                    status: .blocked)
            )
        }
    }

    func cancel(requestID: String, caller: String) async throws -> (HTTPResponse.Status, VerifyResponse) {
        try await exclusively { try await cancelAlone(requestID: requestID, caller: caller) }
    }

    private func cancelAlone(requestID: String, caller: String) async throws -> (HTTPResponse.Status, VerifyResponse) {
        try await advanceAlone()
        var session = try await visibleSession(requestID, caller: caller)
        guard session.status == .pending else {
            return (
                .conflict,
                VerifyResponse(
                    code: 409, message: "The request is \(session.status.rawValue), not pending", requestID: requestID,
                    status: session.status)
            )
        }
        session.status = .cancelled
        session.nextMessageAt = nil
        session.dateUpdated = environment.now()
        await queue.drop(requestID)
        try await store.save(session)
        notify(session)
        return (.ok, VerifyResponse(code: 200, message: "Cancelled", requestID: requestID, status: .cancelled))
    }

    // MARK: Time

    /// Sends every message that has come due and expires every code whose lifetime passed, as of the clock's now.
    func advance() async throws {
        try await exclusively { try await advanceAlone() }
    }

    private func advanceAlone() async throws {
        let now = environment.now()
        for var session in try await store.dueSessions(at: now) {
            await deliverDue(&session, now: now)
            if session.status == .pending && session.expiresAt <= now {
                session.status = .expired
                session.nextMessageAt = nil
                session.dateUpdated = session.expiresAt
                await queue.drop(session.requestID)
            }
            try await store.save(session)
            if session.status != .pending { notify(session) }
        }
    }

    /// Delivers, in order, the messages due by `now` and before the code expires.
    private func deliverDue(_ session: inout OTPSession, now: Date) async {
        while session.status == .pending, session.nextMessage < session.messages.count,
            let due = session.nextMessageAt, due <= now, due < session.expiresAt
        {
            let index = session.nextMessage
            let failed = deliveryFailureRate > 0 && environment.random() < deliveryFailureRate
            var delivered = await queue.take(session.requestID, index: index)
            let status = delivered == nil || failed ? "failed" : "delivered"
            delivered?.message.sentAt = Timestamp.format(due)
            delivered?.message.deliveryStatus = status
            if let delivered { await outbox.deliver(delivered) }
            session.attempts.append(
                DeliveryAttempt(
                    channel: session.messages[index].channel.rawValue, sentAt: Timestamp.format(due),
                    deliveryStatus: status)
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
        try await exclusively {
            try await advanceAlone()
            return try await visibleSession(requestID, caller: caller).record
        }
    }

    /// Sessions of the accounts, oldest first, after bringing them up to date.
    func sessions(accountSids: [String]) async throws -> [OTPSession] {
        try await exclusively {
            try await advanceAlone()
            return try await store.sessions(accountSids: accountSids)
        }
    }

    // MARK: Helpers

    private func visibleSession(_ requestID: String, caller: String) async throws -> OTPSession {
        guard let session = try await store.session(requestID), directory.may(caller, actOn: session.accountSid) else {
            throw APIError(.notFound, "Request \(requestID) not found")
        }
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
