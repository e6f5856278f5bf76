import PolicyModel

/// Traffic as CSV (RFC 4180): a header row `timestamp,LIMIT,…`, then one row per send holding its time and, under
/// each limit's column, the key value the send gave that limit (empty: it did not name it).
enum CSVTraffic {
    static func events(_ bytes: UnsafeRawBufferPointer, file: String) throws(Traffic.Failure) -> [TrafficEvent] {
        var rows = Rows(bytes: bytes)
        guard let (headerLine, header) = try rows.next(file: file) else {
            throw Traffic.Failure(file: file, line: nil, message: "the traffic file holds no sends")
        }
        let names = header.map { $0.trimmed(of: " \t") }
        guard names.first?.lowercased() == "timestamp" else {
            // The first cell is shown only when it looks like a column name: it may be a phone number.
            let first = names.first ?? ""
            let isName = !first.isEmpty && first.count <= 64 && first.allSatisfy { $0.isLetter || "_-. ".contains($0) }
            throw Traffic.Failure(
                file: file, line: headerLine,
                message: "not a traffic file: JSON lines, a JSON search page, or CSV whose header starts with "
                    + "'timestamp'" + (isName ? " (found '\(first)')" : ""))
        }
        let limitNames = Array(names.dropFirst())
        if let empty = limitNames.firstIndex(of: "") {
            throw Traffic.Failure(
                file: file, line: headerLine, message: "column \(empty + 2) of the header has no name")
        }
        if let repeated = limitNames.first(where: { name in limitNames.filter { $0 == name }.count > 1 }) {
            throw Traffic.Failure(file: file, line: headerLine, message: "the header names '\(repeated)' twice")
        }
        var events: [TrafficEvent] = []
        while let (line, cells) = try rows.next(file: file) {
            if cells.count == 1 && cells[0].isEmpty { continue }
            guard cells.count == names.count else {
                throw Traffic.Failure(
                    file: file, line: line,
                    message: "\(cells.count) cell\(cells.count == 1 ? "" : "s") where the header has \(names.count)")
            }
            let text = cells[0].trimmed(of: " \t")
            guard let time = Timestamp.parse(text) else {
                throw Traffic.Failure(file: file, line: line, message: Traffic.notATime(text))
            }
            var limits: [TrafficEvent.LimitKey] = []
            for (name, key) in zip(limitNames, cells.dropFirst()) where !key.isEmpty {
                limits.append(.init(name: name, key: key))
            }
            events.append(TrafficEvent(time: time, limits: limits, line: line))
        }
        return events
    }

    /// The rows of a CSV text, each with the line it starts on; quoted cells may hold commas, quotes (doubled)
    /// and line breaks.
    struct Rows {
        let bytes: UnsafeRawBufferPointer
        var index = 0
        var line = 1

        mutating func next(file: String) throws(Traffic.Failure) -> (Int, [String])? {
            guard index < bytes.count else { return nil }
            let start = line
            var cells: [String] = []
            var cell: [UInt8] = []
            var quoted = false
            var wasQuoted = false
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                if quoted {
                    if byte == UInt8(ascii: "\"") {
                        if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
                            cell.append(byte)
                            index += 1
                        } else {
                            quoted = false
                        }
                    } else {
                        if byte == 0x0A { line += 1 }
                        cell.append(byte)
                    }
                    continue
                }
                switch byte {
                case UInt8(ascii: "\"") where cell.isEmpty && !wasQuoted:
                    quoted = true
                    wasQuoted = true
                case UInt8(ascii: ","):
                    cells.append(try Self.text(cell, file: file, line: line))
                    cell = []
                    wasQuoted = false
                case 0x0A:
                    line += 1
                    if cell.last == 0x0D && !wasQuoted { cell.removeLast() }
                    cells.append(try Self.text(cell, file: file, line: start))
                    return (start, cells)
                default:
                    guard !wasQuoted || byte == 0x0D else {
                        throw Traffic.Failure(
                            file: file, line: line, message: "text after a quoted cell's closing quote")
                    }
                    if !wasQuoted { cell.append(byte) }
                }
            }
            if quoted { throw Traffic.Failure(file: file, line: start, message: "a quoted cell does not end") }
            if cell.last == 0x0D && !wasQuoted { cell.removeLast() }
            cells.append(try Self.text(cell, file: file, line: start))
            return (start, cells)
        }

        private static func text(_ bytes: [UInt8], file: String, line: Int) throws(Traffic.Failure) -> String {
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw Traffic.Failure(file: file, line: line, message: "a cell is not valid UTF-8")
            }
            return text
        }
    }
}

extension String {
    /// The string without leading and trailing characters of `set`.
    func trimmed(of set: String) -> String {
        let characters = Set(set)
        guard let first = firstIndex(where: { !characters.contains($0) }) else { return "" }
        let last = lastIndex(where: { !characters.contains($0) })!
        return String(self[first...last])
    }
}
