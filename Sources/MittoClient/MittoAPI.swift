public import MittoWire
public import PolicyModel

/// The part of the Mitto 2FA API that the reconciler uses: reading and changing limits and workflows of one
/// account (or sub-account).
public protocol MittoAPI: Sendable {
    /// Every limit of the account, across all pages, in creation order.
    func listLimits() async throws(MittoAPIError) -> [LimitResource]
    /// One limit by sid.
    func limit(sid: String) async throws(MittoAPIError) -> LimitResource
    /// Creates a limit; after an ambiguous failure it looks the name up before trying again.
    func createLimit(_ limit: Limit) async throws(MittoAPIError) -> LimitResource
    /// Replaces every field of the limit with `sid`.
    func replaceLimit(sid: String, with limit: Limit) async throws(MittoAPIError) -> LimitResource
    /// Deletes the limit with `sid`.
    func deleteLimit(sid: String) async throws(MittoAPIError)

    /// Every workflow of the account, across all pages, in creation order.
    func listWorkflows() async throws(MittoAPIError) -> [WorkflowResource]
    /// One workflow by sid.
    func workflow(sid: String) async throws(MittoAPIError) -> WorkflowResource
    /// Creates a workflow; after an ambiguous failure it looks the name up before trying again.
    func createWorkflow(_ workflow: Workflow) async throws(MittoAPIError) -> WorkflowResource
    /// Replaces every field of the workflow with `sid`.
    func replaceWorkflow(sid: String, with workflow: Workflow) async throws(MittoAPIError) -> WorkflowResource
    /// Deletes the workflow with `sid`.
    func deleteWorkflow(sid: String) async throws(MittoAPIError)
}
