/// Reads YAML streams into ``YAMLDocument``s using libyaml's event API.
///
/// Input must be UTF-8 (a UTF-8 byte order mark is allowed). Parsing is linear in the input size and never
/// recurses; aliases are resolved by copying the anchored node, within ``Limits``. Tags are reported but
/// have no other effect, and YAML 1.1 merge keys (`<<`) are ordinary keys.
public enum YAMLParser {
    /// Parses every document in a UTF-8 byte stream.
    ///
    /// - Parameters:
    ///   - bytes: The YAML text as UTF-8.
    ///   - fileName: Used in error descriptions; may be empty.
    ///   - limits: Bounds on alias expansion and nesting depth.
    /// - Returns: One document per YAML document in the stream; empty for an empty stream.
    public static func parse(
        _ bytes: [UInt8],
        fileName: String = "",
        limits: Limits = .default
    ) throws(YAMLError) -> [YAMLDocument] {
        try bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(YAMLError) in try parse(buffer: buffer, fileName: fileName, limits: limits) }
        }.get()
    }

    /// Parses every document in a string; otherwise the same as the `[UInt8]` overload.
    public static func parse(
        _ text: String,
        fileName: String = "",
        limits: Limits = .default
    ) throws(YAMLError) -> [YAMLDocument] {
        var text = text
        return try text.withUTF8 { buffer in
            Result { () throws(YAMLError) in try parse(buffer: buffer, fileName: fileName, limits: limits) }
        }.get()
    }

    /// One entry of a streamed mapping, handed over as soon as it is complete.
    public struct StreamedEntry: Sendable {
        /// The document's index in the stream, 0-based.
        public var document: Int
        /// The root mapping's key whose value the entry's mapping is.
        public var section: YAMLNode
        /// The entry's key.
        public var key: YAMLNode
        /// The value's events, from its start event to its end event, when it was handed over unbuilt: a mapping or
        /// sequence of a parse that allows no aliases. A reader may take common shapes straight from them and leave
        /// `value` to the rest.
        public let events: [YAMLEvent]?
        private let built: YAMLNode?

        init(document: Int, section: YAMLNode, key: YAMLNode, value: YAMLNode) {
            self.document = document
            self.section = section
            self.key = key
            events = nil
            built = value
        }

        init(document: Int, section: YAMLNode, key: YAMLNode, events: [YAMLEvent]) {
            self.document = document
            self.section = section
            self.key = key
            self.events = events
            built = nil
        }

        /// The entry's value, which the document does not keep; built from `events` on each use when it came as
        /// events.
        public var value: YAMLNode {
            if let built { return built }
            return YAMLTreeBuilder.node(from: events ?? [])
        }
    }

    /// Parses every document in a UTF-8 byte stream, handing each entry of the mappings under the root keys
    /// `sections` to `entry` as soon as it is complete instead of keeping it: the documents hold those mappings
    /// empty (with their marks), so memory grows with the largest entry, not with the file. Repeated keys among
    /// the entries are the receiver's to find, since the tree no longer has them.
    ///
    /// A root key that appears twice streams both mappings; entries come in the order they end in the text.
    public static func parse(
        _ bytes: [UInt8],
        fileName: String = "",
        limits: Limits = .default,
        streaming sections: Set<String>,
        entry: (StreamedEntry) -> Void
    ) throws(YAMLError) -> [YAMLDocument] {
        try bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(YAMLError) in
                try parse(buffer: buffer, fileName: fileName, limits: limits, streaming: sections, entry: entry)
            }
        }.get()
    }

    /// Parses every document in a string, streaming `sections`; otherwise the same as the `[UInt8]` overload.
    public static func parse(
        _ text: String,
        fileName: String = "",
        limits: Limits = .default,
        streaming sections: Set<String>,
        entry: (StreamedEntry) -> Void
    ) throws(YAMLError) -> [YAMLDocument] {
        var text = text
        return try text.withUTF8 { buffer in
            Result { () throws(YAMLError) in
                try parse(buffer: buffer, fileName: fileName, limits: limits, streaming: sections, entry: entry)
            }
        }.get()
    }

    /// Runs libyaml over `buffer`, feeding its events to a tree builder.
    static func parse(
        buffer: UnsafeBufferPointer<UInt8>,
        fileName: String,
        limits: Limits,
        streaming sections: Set<String> = [],
        entry: (StreamedEntry) -> Void = { _ in }
    ) throws(YAMLError) -> [YAMLDocument] {
        guard !buffer.isEmpty else { return [] }
        let events = try LibYAMLEventParser(input: buffer, fileName: fileName)
        var builder = YAMLTreeBuilder(limits: limits, fileName: fileName, streamedSections: sections)
        while true {
            let event = try events.next()
            if case .streamEnd = event { break }
            try builder.handle(event, entry: entry)
        }
        return builder.documents
    }
}
