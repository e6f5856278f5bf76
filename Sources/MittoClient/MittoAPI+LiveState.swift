public import PolicyModel

extension MittoAPI {
    /// Every limit and workflow of the account, read at once (both listings in parallel), as the planner compares
    /// them: what plan, drift, export, import and apply read.
    public func readLiveState() async throws(MittoAPIError) -> LiveState {
        async let limits = listLimits()
        async let workflows = listWorkflows()
        do {
            return LiveState(
                limits: try await limits.map { LiveObject(sid: $0.sid, value: $0.limit) },
                workflows: try await workflows.map { LiveObject(sid: $0.sid, value: $0.workflow) }
            )
        } catch let error as MittoAPIError {
            throw error
        } catch {
            throw MittoAPIError(method: "GET", path: "/2fa", reason: .transport(String(describing: error)))
        }
    }
}
