public import Foundation
import MittoWire
public import PolicyModel

/// One recorded send: when, the limits it named with their key values, and how it was addressed.
public struct TrafficEvent: Hashable, Sendable {
    /// Seconds since 1970.
    public var time: Double
    /// The limits the send named, limit name to key value, in order of name (the order the emulator checks them).
    public var limits: [LimitKey]
    /// The send's channel, for a single-channel send.
    public var channel: String?
    /// The send's workflow, for a workflow send.
    public var workflow: String?
    /// The recipient.
    public var to: String?
    /// The line of the traffic file it was read from (1-based).
    public var line: Int

    /// A limit name and the key value a send gave it.
    public struct LimitKey: Hashable, Sendable {
        /// The limit's name, as the send named it.
        public var name: String
        /// The key value, such as a phone number.
        public var key: String

        /// Creates a pair.
        public init(name: String, key: String) {
            self.name = name
            self.key = key
        }
    }

    /// Creates an event; `limits` are put in order of name.
    public init(
        time: Double, limits: [LimitKey], channel: String? = nil, workflow: String? = nil, to: String? = nil,
        line: Int = 0
    ) {
        self.time = time
        let inOrder: (LimitKey, LimitKey) -> Bool = { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        // Records from the API already have their keys in order; only others are sorted.
        self.limits =
            zip(limits, limits.dropFirst()).allSatisfy { !inOrder($1, $0) } ? limits : limits.sorted(by: inOrder)
        self.channel = channel
        self.workflow = workflow
        self.to = to
        self.line = line
    }
}

/// Recorded sends read from a file, in time order.
///
/// Three forms, told apart by their first bytes and shape:
/// - JSON lines: one session detail record per line, as `/2fa/search` returns them (`mitto-policy export-traffic`
///   writes this form). Fields read: `dateCreated` or `timestamp`, `limits`, `channel`, `workflow`, `to`; the rest
///   are ignored. Blank lines are skipped.
/// - A JSON search page: one object whose `records` array holds the records (an answer of `/2fa/search` saved as is).
/// - CSV with a header row: `timestamp`, then one column per limit name holding the send's key value for it (an
///   empty cell: the send did not name that limit).
///
/// Times are RFC 3339 (`2026-11-20T08:15:02Z`, fractions and offsets allowed) or seconds since 1970. Events out
/// of order are sorted (a stable sort: sends of one second keep the file's order). A line that cannot be read is
/// an error naming its line, never skipped.
public struct Traffic: Sendable {
    /// The events, in time order.
    public var events: [TrafficEvent]

    /// Why a traffic file cannot be read: the file, the line (when one is at fault) and what is wrong.
    public struct Failure: Error, Hashable, Sendable, CustomStringConvertible {
        /// The file.
        public var file: String
        /// The 1-based line, when one line is at fault.
        public var line: Int?
        /// What is wrong.
        public var message: String

        /// `FILE:LINE: message`.
        public var description: String {
            "\(file)\(line.map { ":\($0)" } ?? ""): \(message)"
        }
    }

    /// The events, sorted by time (stable).
    public init(events: [TrafficEvent]) {
        self.events = events.enumerated().sorted {
            $0.element.time != $1.element.time ? $0.element.time < $1.element.time : $0.offset < $1.offset
        }.map(\.element)
    }

    /// Reads the file at `path` (from `base` when relative).
    public static func read(path: String, base: BaseDirectory = .current) throws(Failure) -> Traffic {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: base.resolve(path), isDirectory: &isFolder) else {
            throw Failure(file: path, line: nil, message: "no such traffic file")
        }
        guard !isFolder.boolValue else {
            throw Failure(file: path, line: nil, message: "is a folder, not a traffic file")
        }
        guard let data = FileManager.default.contents(atPath: base.resolve(path)) else {
            throw Failure(file: path, line: nil, message: "the traffic file cannot be read")
        }
        return try parse(data, file: path)
    }

    /// Reads traffic from `data`, naming `file` in errors.
    public static func parse(_ data: Data, file: String) throws(Failure) -> Traffic {
        let read = data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> Result<[TrafficEvent], Failure> in
            do throws(Failure) {
                // A byte-order mark (spreadsheets write one before CSV) is not part of the text.
                let hasMark = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
                let bytes = hasMark ? UnsafeRawBufferPointer(rebasing: bytes[3...]) : bytes
                var first = 0
                while first < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[first]) { first += 1 }
                guard first < bytes.count else {
                    throw Failure(file: file, line: nil, message: "the traffic file holds no sends")
                }
                switch bytes[first] {
                case UInt8(ascii: "{"):
                    if let page = try searchPage(bytes, file: file) { return .success(page) }
                    return .success(try jsonLinesInParallel(bytes, file: file))
                case UInt8(ascii: "["):
                    throw Failure(
                        file: file, line: line(of: first, in: bytes),
                        message: "a JSON array is not a traffic file: write one record per line (JSON lines), or "
                            + "save a whole search page ({\"records\": [...]})")
                default:
                    return .success(try CSVTraffic.events(bytes, file: file))
                }
            } catch {
                return .failure(error)
            }
        }
        let events = try read.get()
        return Traffic(events: events)
    }

    // MARK: JSON

    /// The records of a search page, or nil when the text is not one JSON object holding a `records` array (it is
    /// then read as JSON lines).
    private static func searchPage(_ bytes: UnsafeRawBufferPointer, file: String) throws(Failure) -> [TrafficEvent]? {
        var reader = JSONPullReader(bytes)
        var records: [(offset: Int, event: Result<TrafficEvent, RecordProblem>)]?
        do {
            try reader.object { key, reader throws(JSONPullReader.Failure) in
                guard key == SessionDetailRecord.listKey else { return try reader.skip() }
                var found: [(offset: Int, event: Result<TrafficEvent, RecordProblem>)] = []
                try reader.array { reader throws(JSONPullReader.Failure) in
                    var offset = reader.offset
                    while offset < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[offset]) { offset += 1 }
                    found.append((offset, try record(&reader, line: 0)))
                }
                records = found
            }
            try reader.end()
        } catch {
            // Not one object: JSON lines, whose first line is an object of its own.
            guard records != nil || !looksLikeOneLine(bytes) else { return nil }
            throw Failure(
                file: file, line: line(of: error.offset, in: bytes), message: "not valid JSON: \(error.message)")
        }
        guard let records else { return nil }
        var events: [TrafficEvent] = []
        events.reserveCapacity(records.count)
        // Records come in order, so one pass over the text numbers their lines.
        var line = 1
        var counted = 0
        for (index, record) in records.enumerated() {
            for byte in bytes[counted..<record.offset] where byte == 0x0A { line += 1 }
            counted = record.offset
            switch record.event {
            case .success(var event):
                event.line = line
                events.append(event)
            case .failure(let problem):
                throw Failure(file: file, line: line, message: "record \(index + 1) of records: \(problem.message)")
            }
        }
        return events
    }

    /// Whether the first line of `bytes` holds a whole JSON value, as the first line of a JSON-lines file does.
    private static func looksLikeOneLine(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let end = bytes.firstIndex(of: 0x0A) ?? bytes.count
        var reader = JSONPullReader(UnsafeRawBufferPointer(rebasing: bytes[0..<end]))
        do {
            try reader.skip()
            try reader.end()
            return true
        } catch {
            return false
        }
    }

    /// JSON lines read in two halves at once (split at a line break) when the file is large; the first error in
    /// the file's order is the one thrown.
    private static func jsonLinesInParallel(_ bytes: UnsafeRawBufferPointer, file: String) throws(Failure)
        -> [TrafficEvent]
    {
        guard bytes.count >= 1 << 20, let split = bytes[(bytes.count / 2)...].firstIndex(of: 0x0A) else {
            return try jsonLines(bytes, file: file, firstLine: 1)
        }
        nonisolated(unsafe) let firstHalf = UnsafeRawBufferPointer(rebasing: bytes[0...split])
        nonisolated(unsafe) let secondHalf = UnsafeRawBufferPointer(rebasing: bytes[(split + 1)...])
        let linesBefore = firstHalf.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        let halves = Halves()
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            let result = Result { () throws(Failure) -> [TrafficEvent] in
                index == 0
                    ? try jsonLines(firstHalf, file: file, firstLine: 1)
                    : try jsonLines(secondHalf, file: file, firstLine: linesBefore + 1)
            }
            halves.set(index, result)
        }
        return try halves.results[0]!.get() + halves.results[1]!.get()
    }

    /// What the two threads of `jsonLinesInParallel` read; each sets only its own slot.
    private final class Halves: @unchecked Sendable {
        var results: [Result<[TrafficEvent], Failure>?] = [nil, nil]
        private let lock = NSLock()

        func set(_ index: Int, _ result: Result<[TrafficEvent], Failure>) {
            lock.lock()
            results[index] = result
            lock.unlock()
        }
    }

    private static func jsonLines(_ bytes: UnsafeRawBufferPointer, file: String, firstLine: Int) throws(Failure)
        -> [TrafficEvent]
    {
        var events: [TrafficEvent] = []
        var start = 0
        var number = firstLine - 1
        while start < bytes.count {
            number += 1
            let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
            let line = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
            start = end + 1
            guard line.contains(where: { ![0x20, 0x09, 0x0D].contains($0) }) else { continue }
            var reader = JSONPullReader(line)
            let event: Result<TrafficEvent, RecordProblem>
            do {
                event = try record(&reader, line: number)
                try reader.end()
            } catch {
                throw Failure(
                    file: file, line: number,
                    message: "not a JSON record (column \(error.offset + 1)): \(error.message)")
            }
            switch event {
            case .success(let event): events.append(event)
            case .failure(let problem): throw Failure(file: file, line: number, message: problem.message)
            }
        }
        return events
    }

    /// What is wrong with a record that is valid JSON.
    struct RecordProblem: Error, Hashable {
        var message: String
    }

    /// Reads one session detail record; a JSON error throws, a record without what a send needs is a failure.
    private static func record(_ reader: inout JSONPullReader, line: Int) throws(JSONPullReader.Failure) -> Result<
        TrafficEvent, RecordProblem
    > {
        var time: String?
        var timestamp: String?
        var limits: [TrafficEvent.LimitKey] = []
        var limitProblem: String?
        var channel: String?
        var workflow: String?
        var to: String?
        try reader.object { key, reader throws(JSONPullReader.Failure) in
            switch key {
            case "dateCreated": time = try Self.time(&reader)
            case "timestamp": timestamp = try Self.time(&reader)
            case "channel": channel = try reader.optionalString()
            case "workflow": workflow = try reader.optionalString()
            case "to": to = try reader.optionalString()
            case "limits":
                if reader.null() { return }
                try reader.object { name, reader throws(JSONPullReader.Failure) in
                    guard let value = try? reader.string() else {
                        limitProblem = "limits.\(name) is not a string"
                        return try reader.skip()
                    }
                    limits.append(.init(name: name, key: value))
                }
            default: try reader.skip()
            }
        }
        if let limitProblem { return .failure(RecordProblem(message: limitProblem)) }
        guard let text = timestamp ?? time else {
            return .failure(RecordProblem(message: "the record has no dateCreated or timestamp"))
        }
        guard let seconds = Timestamp.parse(text) else {
            return .failure(RecordProblem(message: Self.notATime(text)))
        }
        return .success(
            TrafficEvent(time: seconds, limits: limits, channel: channel, workflow: workflow, to: to, line: line))
    }

    /// A time field's text: a string, or a number of seconds since 1970 as written.
    private static func time(_ reader: inout JSONPullReader) throws(JSONPullReader.Failure) -> String? {
        if reader.null() { return nil }
        if let seconds = try? reader.int() { return String(seconds) }
        return try reader.string()
    }

    /// The error for a time that cannot be read; a key value in the wrong column is masked.
    static func notATime(_ text: String) -> String {
        "'\(KeyMask.maskIfPersonal(text))' is not an RFC 3339 time (years 1 to 9999) or seconds since 1970"
    }

    /// The 1-based line of byte `offset`.
    static func line(of offset: Int, in bytes: UnsafeRawBufferPointer) -> Int {
        var line = 1
        for byte in bytes[0..<min(offset, bytes.count)] where byte == 0x0A { line += 1 }
        return line
    }
}
