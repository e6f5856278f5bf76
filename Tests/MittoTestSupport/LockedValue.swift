import Synchronization

/// A value shared between concurrent test tasks, behind a lock.
public final class LockedValue<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    /// Creates the box with a first value.
    public init(_ value: Value) {
        mutex = Mutex(value)
    }

    /// The current value.
    public var value: Value { mutex.withLock { $0 } }

    /// Changes the value under the lock and returns what `body` returns.
    @discardableResult
    public func withLock<Result: Sendable>(_ body: (inout Value) -> Result) -> Result {
        mutex.withLock { body(&$0) }
    }
}
