import HTTPTypes
import Synchronization

/// The requests an emulator has answered, in order, so tests can count calls (method, path without query, status).
public actor RequestJournal {
    /// One answered request.
    public struct Entry: Sendable, Hashable, CustomStringConvertible {
        /// The method, such as `GET`.
        public var method: String
        /// The path as requested, without the query.
        public var path: String
        /// The status answered.
        public var status: Int

        /// `GET /2fa/limits/search 200`.
        public var description: String { "\(method) \(path) \(status)" }
    }

    /// The entries, behind a lock: every request adds one, without waiting for the actor.
    private let entries = Mutex<[Entry]>([])
    private let capacity: Int

    /// Creates a journal that keeps the last `capacity` entries.
    public init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    /// Every entry kept, oldest first.
    public var all: [Entry] { entries.withLock { $0 } }

    /// Forgets every entry.
    public func clear() { entries.withLock { $0.removeAll() } }

    nonisolated func record(method: HTTPRequest.Method, path: String, status: Int) {
        let entry = Entry(method: method.rawValue, path: path, status: status)
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeFirst(capacity / 10) }
            entries.append(entry)
        }
    }
}
