public import Foundation
public import MittoEmulator

/// A clock tests move by hand, so minutes of workflow pass instantly.
public final class SteppedClock: Sendable {
    private let current: LockedValue<Date>

    /// Starts at `start`.
    public init(start: Date = Date(timeIntervalSince1970: 1_796_000_000)) {
        current = LockedValue(start)
    }

    /// The clock's time.
    public var now: Date { current.value }

    /// Moves the clock forward.
    public func advance(by seconds: Double) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    /// An emulator environment on this clock, with real randomness.
    public var environment: EmulatorEnvironment {
        EmulatorEnvironment(now: { self.now }, randomHex: EmulatorEnvironment.live.randomHex)
    }
}
