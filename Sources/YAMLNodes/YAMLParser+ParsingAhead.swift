import Foundation

extension YAMLParser {
    /// Events handed from the parsing thread to the building one at a time: small batches stay in the caches the
    /// two cores share (256 events of 4 ahead measured 8 to 10% faster than 2,048 of 8 on 100,000 objects).
    static let eventBatchSize = 256
    /// Batches of events parsed ahead of the building at most, so memory follows the batch, not the input.
    static let batchesAhead = 4

    /// Parses every document in a string, streaming `sections` (see `parse(_:fileName:limits:streaming:entry:)`).
    /// With `parsingAhead`, libyaml reads the text on a thread of its own while this one builds the nodes and runs
    /// `entry`: two cores share what one does otherwise, for inputs large enough to repay a thread. Entries, documents
    /// and errors are the same either way; `entry` always runs on the calling thread.
    public static func parse(
        _ text: String,
        fileName: String = "",
        limits: Limits = .default,
        streaming sections: Set<String>,
        parsingAhead: Bool,
        entry: (StreamedEntry) -> Void
    ) throws(YAMLError) -> [YAMLDocument] {
        guard parsingAhead, !text.utf8.isEmpty else {
            return try parse(text, fileName: fileName, limits: limits, streaming: sections, entry: entry)
        }
        let pipe = BatchPipe<EventBatch>(capacity: batchesAhead)
        let reader = Thread {
            var text = text
            let failure = text.withUTF8 { buffer -> YAMLError? in
                var batch = EventBatch(capacity: eventBatchSize)
                do throws(YAMLError) {
                    let events = try LibYAMLEventParser(input: buffer, fileName: fileName)
                    while true {
                        let event = try events.next()
                        let isLast = if case .streamEnd = event { true } else { false }
                        batch.append(event)
                        guard isLast || batch.isFull else { continue }
                        // A builder that failed stops reading: no one takes the rest.
                        guard pipe.send(batch), !isLast else { return nil }
                        batch = EventBatch(capacity: eventBatchSize)
                    }
                } catch {
                    // The events before the error are built first, as on one thread.
                    if !batch.isEmpty { _ = pipe.send(batch) }
                    return error
                }
            }
            pipe.finish(failure)
        }
        reader.start()
        defer { pipe.cancel() }
        var builder = YAMLTreeBuilder(limits: limits, fileName: fileName, streamedSections: sections)
        while let batch = pipe.receive() {
            while let event = batch.take() {
                if case .streamEnd = event { return builder.documents }
                try builder.handle(event, entry: entry)
            }
        }
        // The reader stopped before the end of the stream: at a syntax error, after the events before it.
        throw pipe.failure
            ?? YAMLError(kind: .syntax, message: "the YAML reader stopped before the end", fileName: fileName)
    }
}

/// Events on their way from the reading thread to the building one: each is moved in and moved out once, never
/// copied (an event holds its strings; a copy retains them and its release frees them on the other thread).
final class EventBatch: @unchecked Sendable {
    private let events: UnsafeMutablePointer<YAMLEvent>
    private let capacity: Int
    private var count = 0
    private var taken = 0

    init(capacity: Int) {
        self.capacity = capacity
        events = .allocate(capacity: capacity)
    }

    deinit {
        (events + taken).deinitialize(count: count - taken)
        events.deallocate()
    }

    var isFull: Bool { count == capacity }
    var isEmpty: Bool { count == 0 }

    /// Moves `event` in; only the reading thread appends, before the batch is sent.
    func append(_ event: consuming YAMLEvent) {
        precondition(count < capacity)
        (events + count).initialize(to: event)
        count += 1
    }

    /// Moves the next event out; only the building thread takes, after the batch was received.
    func take() -> YAMLEvent? {
        guard taken < count else { return nil }
        defer { taken += 1 }
        return (events + taken).move()
    }
}

/// Batches on their way from one thread to another, at most `capacity` waiting, and how the sender ended.
final class BatchPipe<Batch: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private let capacity: Int
    private var batches: [Batch?] = []
    private var first = 0
    private var finished = false
    private var cancelled = false
    private var senderFailure: YAMLError?

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Queues `batch`, waiting while `capacity` batches are queued; false (and nothing queued) once the receiver has
    /// cancelled.
    func send(_ batch: Batch) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while batches.count - first >= capacity && !cancelled { condition.wait() }
        guard !cancelled else { return false }
        batches.append(batch)
        condition.broadcast()
        return true
    }

    /// The sender is done, having failed with `failure` if not nil; no batch follows.
    func finish(_ failure: YAMLError?) {
        condition.lock()
        defer { condition.unlock() }
        finished = true
        senderFailure = failure
        condition.broadcast()
    }

    /// The next batch, waiting for one; nil once the sender has finished and every batch was received.
    func receive() -> Batch? {
        condition.lock()
        defer { condition.unlock() }
        while first == batches.count && !finished { condition.wait() }
        guard first < batches.count else { return nil }
        let batch = batches[first].take()
        first += 1
        // Taken slots are dropped once they outnumber the waiting ones, so the queue never grows with the input.
        if first == batches.count {
            batches.removeAll(keepingCapacity: true)
            first = 0
        } else if first >= capacity {
            batches.removeFirst(first)
            first = 0
        }
        condition.broadcast()
        return batch
    }

    /// The receiver takes nothing more: a waiting or later `send` returns false.
    func cancel() {
        condition.lock()
        defer { condition.unlock() }
        cancelled = true
        condition.broadcast()
    }

    /// How the sender failed, once `receive` has returned nil.
    var failure: YAMLError? {
        condition.lock()
        defer { condition.unlock() }
        return senderFailure
    }
}
