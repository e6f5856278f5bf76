import Foundation
import YAMLNodes

extension ProjectFile {
    /// The project file's text as diagnostics may show it, with every value that may be an API key masked.
    ///
    /// Masked are the values of `apiKey` and of keys like it anywhere (`api_key`, `token`, `secret`, `password`),
    /// and of any key an environment does not have (a misspelt `apiKye:`), unless the value is exactly a
    /// `${env:NAME}` reference. Each character becomes `*` and line breaks stay, so every line and column a
    /// diagnostic names is where it was. A file that is not YAML is masked line by line, from a key like `apiKey`
    /// to the end of its line. The mask is applied once, when the file is read, so no renderer can show the key.
    public static func maskedSource(_ bytes: [UInt8]) -> String {
        let limits = YAMLParser.Limits(maxAliasExpandedNodes: 10_000, maxNestingDepth: 64, allowsAliases: true)
        guard let documents = try? YAMLParser.parse(bytes, limits: limits) else {
            return SecretMask.maskedLines(String(decoding: bytes, as: UTF8.self))
        }
        var ranges: [Range<Int>] = []
        for document in documents {
            SecretMask.collect(document.root, in: .top, into: &ranges)
        }
        return SecretMask.masking(ranges, of: bytes)
    }
}

/// How `ProjectFile.maskedSource` finds and hides secrets.
enum SecretMask {
    /// Where a mapping sits in the project file, which decides which of its keys are secret.
    enum Level {
        /// The root.
        case top
        /// The `environments` mapping.
        case environments
        /// One environment's settings: any key it does not know may be a misspelt `apiKey`.
        case environment
        /// Anywhere else.
        case other
    }

    /// Whether a key's value may be a credential: `apiKey`, `api_key`, `token`, `clientSecret`, `password`…
    static func isSecretKey(_ key: String) -> Bool {
        let normalized = String(
            key.lowercased().unicodeScalars.filter { $0.properties.isAlphabetic || ("0"..."9").contains($0) })
        guard normalized != "apikeyfile" else { return false }
        return normalized.hasSuffix("key")
            || ["apikey", "secret", "token", "password", "passwd", "credential"]
                .contains { normalized.contains($0) }
    }

    /// Adds the byte ranges of the scalars to mask under `node`.
    static func collect(_ node: YAMLNode, in level: Level, into ranges: inout [Range<Int>]) {
        if let pairs = node.mappingPairs {
            for (key, value) in pairs {
                let name = key.scalarValue ?? ""
                let isUnknownSetting = level == .environment && !ProjectFileDecoder.environmentKeys.contains(name)
                if isSecretKey(name) || isUnknownSetting {
                    scalars(value, into: &ranges)
                    continue
                }
                let next: Level =
                    switch level {
                    case .top where name == "environments": .environments
                    case .environments: .environment
                    default: .other
                    }
                collect(value, in: next, into: &ranges)
            }
        } else if let items = node.sequenceItems {
            for item in items { collect(item, in: .other, into: &ranges) }
        }
    }

    /// Adds the byte range of every scalar in `node`, keys included, except exact `${env:NAME}` references.
    private static func scalars(_ node: YAMLNode, into ranges: inout [Range<Int>]) {
        if let pairs = node.mappingPairs {
            for (key, value) in pairs {
                scalars(key, into: &ranges)
                scalars(value, into: &ranges)
            }
        } else if let items = node.sequenceItems {
            for item in items { scalars(item, into: &ranges) }
        } else if let text = node.scalarValue, ProjectFileDecoder.environmentReference(text) == nil,
            node.start.isKnown, node.end.offset > node.start.offset
        {
            ranges.append(node.start.offset..<node.end.offset)
        }
    }

    /// `bytes` as text with every character in `ranges` but line breaks and blanks replaced by `*`.
    static func masking(_ ranges: [Range<Int>], of bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var position = 0
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            let lower = max(range.lowerBound, position)
            let upper = min(range.upperBound, bytes.count)
            guard lower < upper else { continue }
            output += bytes[position..<lower]
            output += Array(mask(String(decoding: bytes[lower..<upper], as: UTF8.self)).utf8)
            position = upper
        }
        output += bytes[position...]
        return String(decoding: output, as: UTF8.self)
    }

    /// A file that did not parse: on each line, everything after a key like `apiKey:` is masked.
    static func maskedLines(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard let start = secretValueStart(in: line) else { return String(line) }
            let value = line[start...]
            let trimmed = value.trimmingCharacters(in: .whitespaces).trimmingCharacters(
                in: CharacterSet(charactersIn: "\"'"))
            if ProjectFileDecoder.environmentReference(trimmed) != nil { return String(line) }
            return String(line[..<start]) + mask(String(value))
        }.joined(separator: "\n")
    }

    /// Where the value after the first secret key on `line` starts.
    private static func secretValueStart(in line: Substring) -> Substring.Index? {
        var searchStart = line.startIndex
        while let colon = line[searchStart...].firstIndex(of: ":") {
            let after = line.index(after: colon)
            defer { searchStart = after }
            guard after == line.endIndex || line[after] == " " || line[after] == "\t" else { continue }
            let before = line[..<colon].reversed().drop { $0 == " " || $0 == "\"" || $0 == "'" }
            let key = String(
                before.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." }.reversed())
            if !key.isEmpty, isSecretKey(key) { return after }
        }
        return nil
    }

    /// `text` with every character but line breaks and blanks replaced by `*`, one for one.
    private static func mask(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { [" ", "\t", "\n", "\r"].contains($0) ? $0 : "*" }))
    }
}
