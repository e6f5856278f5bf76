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

    /// Runs libyaml over `buffer`, feeding its events to a tree builder.
    static func parse(
        buffer: UnsafeBufferPointer<UInt8>,
        fileName: String,
        limits: Limits
    ) throws(YAMLError) -> [YAMLDocument] {
        guard !buffer.isEmpty else { return [] }
        let events = try LibYAMLEventParser(input: buffer, fileName: fileName)
        var builder = YAMLTreeBuilder(limits: limits, fileName: fileName)
        while true {
            let event = try events.next()
            if case .streamEnd = event { break }
            try builder.handle(event)
        }
        return builder.documents
    }
}
