import Foundation
import PolicyCommands

#if os(Linux)
    import CMalloc
#endif

@main
struct Entrypoint {
    static func main() async {
        #if os(Linux)
            // A run is one burst of allocation on a few threads (the manifests parse on one while the account's
            // pages are decoded on another), after which most of it is freed. glibc's default of an arena per
            // thread and a 128 KiB trim threshold keep each arena's high-water mark resident: a plan of 100,000
            // objects peaks at 222 MB with them and at 162 MB with one arena trimmed past 1 MiB, at the same speed
            // (scripts/bench).
            _ = mallopt(M_ARENA_MAX, 1)
            _ = mallopt(M_TRIM_THRESHOLD, 1 << 20)
        #endif
        exit(await MittoPolicy.run(Array(CommandLine.arguments.dropFirst()), console: .process))
    }
}
