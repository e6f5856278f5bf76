import Dispatch
import Foundation
import Synchronization

/// Ctrl-C during an apply: the first SIGINT (or SIGTERM) asks the applier to start no new change, so the changes
/// in flight finish and are reported; a second one quits at once, saying that the outcome of those in flight is
/// unknown.
final class Interruption: @unchecked Sendable {
    // The sources are made in `start` and only cancelled in `stop`; the count is the shared state.
    private let requested = Atomic<Int>(0)
    private var sources: [any DispatchSourceSignal] = []

    private init() {}

    /// Whether a stop was asked for.
    var isRequested: Bool { requested.load(ordering: .acquiring) > 0 }

    /// Starts listening; `onFirst` is told once, at the first signal, and a second one is said on `console`.
    static func start(console: Console, onFirst: @escaping @Sendable (Int32) -> Void) -> Interruption {
        let interruption = Interruption()
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                let count = interruption.requested.add(1, ordering: .acquiringAndReleasing).newValue
                if count == 1 {
                    onFirst(number)
                } else {
                    let message =
                        "mitto-policy: error: quit during an apply; changes in flight have an unknown outcome. "
                        + "Run plan to see what the account holds now.\n"
                    console.error(message)
                    exit(128 + number)
                }
            }
            source.resume()
            interruption.sources.append(source)
        }
        return interruption
    }

    /// Stops listening and gives the signals their default meaning back.
    func stop() {
        for source in sources { source.cancel() }
        sources.removeAll()
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
