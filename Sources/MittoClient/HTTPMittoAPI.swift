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
        try await send(.GET, "/2fa/limits/\(WireValue.percentEncoded(sid))", as: LimitEnvelope.self).limit
    }

    public func createLimit(_ limit: Limit) async throws(MittoAPIError) -> LimitResource {
        try await create(
            LimitResource.self, limit, name: limit.name, body: LimitBody(limit, accountSid: subAccountSid)
        )
    }

    public func replaceLimit(sid: String, with limit: Limit) async throws(MittoAPIError) -> LimitResource {
        try await send(
            .PUT, "/2fa/limits/\(WireValue.percentEncoded(sid))", body: LimitBody(limit, accountSid: subAccountSid),
            as: LimitEnvelope.self
        ).limit
    }

    public func deleteLimit(sid: String) async throws(MittoAPIError) {
        try await delete(path: "/2fa/limits/\(WireValue.percentEncoded(sid))")
    }

    // MARK: Workflows

    public func listWorkflows() async throws(MittoAPIError) -> [WorkflowResource] {
        try await listAll(WorkflowResource.self)
    }

    public func workflow(sid: String) async throws(MittoAPIError) -> WorkflowResource {
        try await send(.GET, "/2fa/workflows/search/\(WireValue.percentEncoded(sid))", as: WorkflowEnvelope.self)
            .workflow
    }

    public func createWorkflow(_ workflow: Workflow) async throws(MittoAPIError) -> WorkflowResource {
        try await create(
            WorkflowResource.self, workflow, name: workflow.name,
            body: WorkflowBody(workflow, accountSid: subAccountSid)
        )
    }

    public func replaceWorkflow(sid: String, with workflow: Workflow) async throws(MittoAPIError) -> WorkflowResource {
        try await send(
            .PUT, "/2fa/workflows/\(WireValue.percentEncoded(sid))",
            body: WorkflowBody(workflow, accountSid: subAccountSid),
            as: WorkflowEnvelope.self
        ).workflow
    }

    public func deleteWorkflow(sid: String) async throws(MittoAPIError) {
        try await delete(path: "/2fa/workflows/\(WireValue.percentEncoded(sid))")
    }

    // MARK: Shared

    /// A delete is idempotent, so it is retried after any retryable failure; a 404 after an attempt that may have
    /// deleted means that attempt did.
    private func delete(path: String) async throws(MittoAPIError) {
        do {
            _ = try await send(.DELETE, path, as: StatusEnvelope.self)
        } catch let error where error.status == 404 && error.isOutcomeUnknown {
            logger.info("delete answer lost; the retry found it gone", metadata: ["path": "\(path)"])
        }
    }
}
