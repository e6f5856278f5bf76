public import MittoWire
public import PolicyModel

/// The part of the Mitto 2FA API that the reconciler uses: reading and changing limits and workflows of one
/// account (or sub-account), and reading its session records for `export-traffic`.
///
/// A failed write whose error is `isOutcomeUnknown` may have been carried out: report it as unknown, not failed,
/// and read the account again to see what happened.
public protocol MittoAPI: Sendable {
    /// Every limit of the account, across all pages, in creation order, read from one state of the account (a
    /// `.conflict` error when it kept changing during the read).
    func listLimits() async throws(MittoAPIError) -> [LimitResource]
    /// One limit by sid.
    func limit(sid: String) async throws(MittoAPIError) -> LimitResource
    /// Creates a limit; after an ambiguous failure every further attempt is preceded by a lookup of the exact name,
    /// and a limit found with the fields sent is the result (with other fields: a `.conflict` error).
    func createLimit(_ limit: Limit) async throws(MittoAPIError) -> LimitResource
    /// Replaces every field of the limit with `sid`; with `expecting`, only while the limit's policy fingerprint is
    /// still that (the API's `If-Match`), so a change someone made meanwhile is a `.conflict` error, not overwritten.
    func replaceLimit(sid: String, with limit: Limit, expecting fingerprint: String?)
        async throws(MittoAPIError) -> LimitResource
    /// Deletes the limit with `sid`; with `expecting`, only while its fingerprint is still that.
    func deleteLimit(sid: String, expecting fingerprint: String?) async throws(MittoAPIError)

    /// Every workflow of the account, across all pages, in creation order, read from one state of the account.
    func listWorkflows() async throws(MittoAPIError) -> [WorkflowResource]
    /// One workflow by sid.
    func workflow(sid: String) async throws(MittoAPIError) -> WorkflowResource
    /// Creates a workflow, checked by exact name after an ambiguous failure as `createLimit` is.
    func createWorkflow(_ workflow: Workflow) async throws(MittoAPIError) -> WorkflowResource
    /// Replaces every field of the workflow with `sid`; with `expecting`, only while its fingerprint is still that.
    func replaceWorkflow(sid: String, with workflow: Workflow, expecting fingerprint: String?)
        async throws(MittoAPIError) -> WorkflowResource
    /// Deletes the workflow with `sid`; with `expecting`, only while its fingerprint is still that.
    func deleteWorkflow(sid: String, expecting fingerprint: String?) async throws(MittoAPIError)

    /// One page (0-based, 1,000 records) of the session detail records created on the days `startDate` to
    /// `endDate` (`YYYY-MM-DD`, both included; nil: unbounded), oldest first.
    func searchSessions(startDate: String?, endDate: String?, page: Int) async throws(MittoAPIError)
        -> SearchPage<SessionDetailRecord>
}

extension MittoAPI {
    /// Replaces every field of the limit with `sid`, whatever it holds now.
    public func replaceLimit(sid: String, with limit: Limit) async throws(MittoAPIError) -> LimitResource {
        try await replaceLimit(sid: sid, with: limit, expecting: nil)
    }

    /// Deletes the limit with `sid`, whatever it holds now.
    public func deleteLimit(sid: String) async throws(MittoAPIError) {
        try await deleteLimit(sid: sid, expecting: nil)
    }

    /// Replaces every field of the workflow with `sid`, whatever it holds now.
    public func replaceWorkflow(sid: String, with workflow: Workflow) async throws(MittoAPIError) -> WorkflowResource {
        try await replaceWorkflow(sid: sid, with: workflow, expecting: nil)
    }

    /// Deletes the workflow with `sid`, whatever it holds now.
    public func deleteWorkflow(sid: String) async throws(MittoAPIError) {
        try await deleteWorkflow(sid: sid, expecting: nil)
    }
}
