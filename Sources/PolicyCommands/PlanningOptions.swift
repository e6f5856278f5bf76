import ArgumentParser

/// Options of the commands that plan: `plan` and `apply`.
struct PlanningOptions: ParsableArguments {
    @Flag(name: .long, help: "Plan deletion of live objects no manifest declares (safety.allowDelete does the same).")
    var allowDelete = false

    @Flag(name: .long, help: "Go ahead although the plan crosses a safety threshold (maxDeletes, maxChangeShare).")
    var force = false

    @Flag(name: .long, help: "Plan without running the manifests' policy tests first (said on standard error).")
    var skipTests = false
}
