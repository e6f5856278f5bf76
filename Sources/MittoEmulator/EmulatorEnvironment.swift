import Foundation

/// The emulator's sources of time and identity, injected so tests can fix them.
public struct EmulatorEnvironment: Sendable {
    /// The current time.
    public var now: @Sendable () -> Date
    /// 32 random lowercase hex digits, for sids.
    public var randomHex: @Sendable () -> String
    /// A number in 0..<1, for deciding which deliveries fail.
    public var random: @Sendable () -> Double

    /// Creates an environment.
    public init(
        now: @escaping @Sendable () -> Date, randomHex: @escaping @Sendable () -> String,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.now = now
        self.randomHex = randomHex
        self.random = random
    }

    /// The wall clock and the system's random source.
    public static let live = EmulatorEnvironment(
        now: { Date() },
        randomHex: {
            var generator = SystemRandomNumberGenerator()
            let digits = Array("0123456789abcdef".utf8)
            var hex: [UInt8] = []
            hex.reserveCapacity(32)
            for _ in 0..<2 {
                var word = generator.next()
                for _ in 0..<16 {
                    hex.append(digits[Int(word & 0xF)])
                    word >>= 4
                }
            }
            return String(decoding: hex, as: UTF8.self)
        }
    )

    /// The time as the API writes it: RFC 3339 in UTC, whole seconds.
    func timestamp() -> String {
        Timestamp.format(now())
    }
}
