public import MittoWire
public import PolicyModel

/// The part of the Mitto 2FA API that the reconciler uses: reading and changing limits and workflows of one
/// account (or sub-account).
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
    /// Replaces every field of the limit with `sid`.
    func replaceLimit(sid: String, with limit: Limit) async throws(MittoAPIError) -> LimitResource
    /// Deletes the limit with `sid`.
    func deleteLimit(sid: String) async throws(MittoAPIError)

    /// Every workflow of the account, across all pages, in creation order, read from one state of the account.
    func listWorkflows() async throws(MittoAPIError) -> [WorkflowResource]
    /// One workflow by sid.
    func workflow(sid: String) async throws(MittoAPIError) -> WorkflowResource
    /// Creates a workflow, checked by exact name after an ambiguous failure as `createLimit` is.
    func createWorkflow(_ workflow: Workflow) async throws(MittoAPIError) -> WorkflowResource
    /// Replaces every field of the workflow with `sid`.
    func replaceWorkflow(sid: String, with workflow: Workflow) async throws(MittoAPIError) -> WorkflowResource
    /// Deletes the workflow with `sid`.
    func deleteWorkflow(sid: String) async throws(MittoAPIError)
}
