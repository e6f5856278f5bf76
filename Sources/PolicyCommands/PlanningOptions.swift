import ArgumentParser
import PolicyPlanner

/// Options of the commands that plan: `plan` and `apply`.
struct PlanningOptions: ParsableArguments {
    @Flag(name: .long, help: "Plan deletion of live objects no manifest declares (safety.allowDelete does the same).")
    var allowDelete = false

    @Flag(name: .long, help: "Go ahead although the plan crosses a safety threshold (maxDeletes, maxChangeShare).")
    var force = false

    @Flag(name: .long, help: "Plan without running the manifests' policy tests first (said on standard error).")
    var skipTests = false
}

/// `--target` and `--exclude`, which `plan`, `apply` and `drift` take.
struct ScopeOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Plan only this object (limit.NAME, workflow.NAME; globs as in ignore); repeatable. The plan says it is "
                + "partial.", valueName: "address"))
    var target: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp("Leave this object out (same form as --target); repeatable.", valueName: "address"))
    var exclude: [String] = []

    func validate() throws {
        for pattern in target + exclude {
            if let problem = AddressScope.problem(with: pattern) { throw ValidationError(problem) }
        }
    }

    var scope: AddressScope { AddressScope(targets: target, excludes: exclude) }
}
