/// A libyaml parser event, copied out of C memory. A streamed entry's value can be handed over as its events, for a
/// reader that takes common shapes straight from them (see ``YAMLParser/StreamedEntry``).
public enum YAMLEvent: Sendable {
    /// `STREAM-START`.
    case streamStart
    /// `STREAM-END`.
    case streamEnd
    /// `DOCUMENT-START`.
    case documentStart(start: YAMLMark)
    /// `DOCUMENT-END`.
    case documentEnd(end: YAMLMark)
    /// `*anchor`.
    case alias(anchor: String, start: YAMLMark, end: YAMLMark)
    /// A scalar with its properties.
    case scalar(value: String, style: YAMLScalarStyle, properties: YAMLNodeProperties, end: YAMLMark)
    /// `SEQUENCE-START`.
    case sequenceStart(properties: YAMLNodeProperties, isFlow: Bool)
    /// `SEQUENCE-END`.
    case sequenceEnd(end: YAMLMark)
    /// `MAPPING-START`.
    case mappingStart(properties: YAMLNodeProperties, isFlow: Bool)
    /// `MAPPING-END`.
    case mappingEnd(end: YAMLMark)
}

/// The tag, anchor and start mark of a node event.
public struct YAMLNodeProperties: Sendable {
    /// The resolved tag, if any.
    public var tag: String?
    /// The anchor name, if any.
    public var anchor: String?
    /// Where the node (including its properties) starts.
    public var start: YAMLMark
}
