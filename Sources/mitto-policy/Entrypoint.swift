import Foundation
import PolicyCommands

#if os(Linux)
    import CMalloc
#endif

@main
struct Entrypoint {
    static func main() async {
        #if os(Linux)
            // A run is one burst of allocation on a few threads (libyaml reads a large manifest on one while the
            // objects are built and decoded on another, and the account's pages are decoded beside them), after which
            // most of it is freed. glibc's default of an arena per thread and a 128 KiB trim threshold keep each
            // arena's high-water mark resident: a plan of 100,000 objects peaks at 222 MB with them. One arena makes
            // the two manifest threads wait for each other's allocations (validate of 100,000 objects 1.35 s against
            // 1.08 s with two); two arenas trimmed past 1 MiB peak at 177 MB (scripts/bench).
            _ = mallopt(M_ARENA_MAX, 2)
            _ = mallopt(M_TRIM_THRESHOLD, 1 << 20)
        #endif
        exit(await MittoPolicy.run(Array(CommandLine.arguments.dropFirst()), console: .process))
    }
}
