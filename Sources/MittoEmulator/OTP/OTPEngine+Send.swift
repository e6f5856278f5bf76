import Foundation
import GRDB
import HTTPTypes
import LimitEngine
import MittoWire
import PolicyModel

/// Send: a session planned from its workflow or fields, checked against its limits, stored, and its first message delivered.
extension OTPEngine {
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
}
