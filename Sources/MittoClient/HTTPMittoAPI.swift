public import AsyncHTTPClient
public import Foundation
public import Logging
public import MittoWire
public import PolicyModel

/// `MittoAPI` over HTTP with AsyncHTTPClient: consistent paging, retries, and creates that are never repeated
/// blindly.
///
/// The `HTTPClient` belongs to the caller, who shuts it down; `withHTTPMittoAPI` does both for a scope.
public struct HTTPMittoAPI: MittoAPI {
    /// The API's root, such as `https://cpaas.mittoapi.com` (paths start with `/2fa`).
    public let endpoint: URL
    /// Who calls.
    public let credentials: MittoCredentials
    /// The sub-account acted on, or nil for the credentials' own account.
    public let subAccountSid: String?
    /// Retry and timeout rules.
    public let retryPolicy: RetryPolicy
    let httpClient: HTTPClient
    let logger: Logger
    let sleep: @Sendable (Duration) async throws -> Void
    let random: @Sendable (Double) -> Double
    let pacer: RequestPacer?

    /// Creates a client.
    public init(
        endpoint: URL,
        credentials: MittoCredentials,
        subAccountSid: String? = nil,
        httpClient: HTTPClient,
        retryPolicy: RetryPolicy = .standard,
        logger: Logger = Logger(label: "mitto-client"),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        random: @escaping @Sendable (Double) -> Double = { Double.random(in: 0...$0) },
        pacer: RequestPacer? = nil
    ) {
        self.endpoint = endpoint
        self.credentials = credentials
        self.subAccountSid = subAccountSid
        self.httpClient = httpClient
        self.retryPolicy = retryPolicy
        self.logger = logger
        self.sleep = sleep
        self.random = random
        self.pacer = pacer
    }

    // MARK: Limits

    public func listLimits() async throws(MittoAPIError) -> [LimitResource] {
        try await listAll(LimitResource.self)
    }

    public func limit(sid: String) async throws(MittoAPIError) -> LimitResource {
        try await send(.GET, "/2fa/limits/\(PercentEncoding.encode(sid))", as: LimitEnvelope.self).limit
    }

    public func createLimit(_ limit: Limit) async throws(MittoAPIError) -> LimitResource {
        try await create(
            LimitResource.self, limit, name: limit.name, body: LimitBody(limit, accountSid: subAccountSid)
        )
    }

    public func replaceLimit(sid: String, with limit: Limit, expecting fingerprint: String?)
        async throws(MittoAPIError) -> LimitResource
    {
        try await replace(
            LimitResource.self, sid: sid, limit, body: LimitBody(limit, accountSid: subAccountSid),
            expecting: fingerprint, readBack: self.limit(sid:)
        )
    }

    public func deleteLimit(sid: String, expecting fingerprint: String?) async throws(MittoAPIError) {
        try await delete(LimitResource.self, sid: sid, expecting: fingerprint)
    }

    // MARK: Workflows

    public func listWorkflows() async throws(MittoAPIError) -> [WorkflowResource] {
        try await listAll(WorkflowResource.self)
    }

    public func workflow(sid: String) async throws(MittoAPIError) -> WorkflowResource {
        try await send(.GET, "/2fa/workflows/search/\(PercentEncoding.encode(sid))", as: WorkflowEnvelope.self)
            .workflow
    }

    public func createWorkflow(_ workflow: Workflow) async throws(MittoAPIError) -> WorkflowResource {
        try await create(
            WorkflowResource.self, workflow, name: workflow.name,
            body: WorkflowBody(workflow, accountSid: subAccountSid)
        )
    }

    public func replaceWorkflow(sid: String, with workflow: Workflow, expecting fingerprint: String?)
        async throws(MittoAPIError) -> WorkflowResource
    {
        try await replace(
            WorkflowResource.self, sid: sid, workflow, body: WorkflowBody(workflow, accountSid: subAccountSid),
            expecting: fingerprint, readBack: self.workflow(sid:)
        )
    }

    public func deleteWorkflow(sid: String, expecting fingerprint: String?) async throws(MittoAPIError) {
        try await delete(WorkflowResource.self, sid: sid, expecting: fingerprint)
    }

    // MARK: Shared

    /// A replace, conditional on `fingerprint` when given. A 412 after an attempt whose answer was lost may be our
    /// own write: the object read back with the policy sent is the result.
    private func replace<Resource: PolicyResource>(
        _ type: Resource.Type, sid: String, _ policy: Resource.Policy, body: some Encodable & Sendable,
        expecting fingerprint: String?, readBack: (String) async throws(MittoAPIError) -> Resource
    ) async throws(MittoAPIError) -> Resource {
        let path = "\(Resource.collectionPath)/\(PercentEncoding.encode(sid))"
        do {
            return Resource.unwrap(
                try await send(
                    .PUT, path, body: body, as: Resource.Envelope.self, headers: Self.precondition(fingerprint)))
        } catch let error where error.status == 412 {
            if error.isOutcomeUnknown, let current = try? await readBack(sid), current.policy == policy {
                return current
            }
            throw Self.changedMeanwhile(error, noun: Resource.noun, sid: sid)
        }
    }

    /// A delete is idempotent, so it is retried after any retryable failure; a 404 after an attempt that may have
    /// deleted means that attempt did.
    private func delete<Resource: PolicyResource>(
        _ type: Resource.Type, sid: String, expecting fingerprint: String?
    ) async throws(MittoAPIError) {
        let path = "\(Resource.collectionPath)/\(PercentEncoding.encode(sid))"
        do {
            _ = try await send(.DELETE, path, as: StatusEnvelope.self, headers: Self.precondition(fingerprint))
        } catch let error where error.status == 404 && error.isOutcomeUnknown {
            logger.info("delete answer lost; the retry found it gone", metadata: ["path": "\(path)"])
        } catch let error where error.status == 412 {
            throw Self.changedMeanwhile(error, noun: Resource.noun, sid: sid)
        }
    }

    /// The `If-Match` header that makes a write conditional on the object's fingerprint.
    static func precondition(_ fingerprint: String?) -> [(String, String)] {
        fingerprint.map { [("If-Match", "\"\($0)\"")] } ?? []
    }

    /// A 412: the object is no longer what the caller read, so the write was refused and nothing changed.
    static func changedMeanwhile(_ error: MittoAPIError, noun: String, sid: String) -> MittoAPIError {
        MittoAPIError(
            method: error.method, path: error.path,
            reason: .conflict(
                "the \(noun) \(sid) changed since it was read, so the API refused the write (412) and nothing was "
                    + "changed"),
            isOutcomeUnknown: false
        )
    }
}
