/// A libyaml parser event, copied out of C memory.
enum ParserEvent: Sendable {
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
    case scalar(value: String, style: YAMLScalarStyle, properties: NodeProperties, end: YAMLMark)
    /// `SEQUENCE-START`.
    case sequenceStart(properties: NodeProperties, isFlow: Bool)
    /// `SEQUENCE-END`.
    case sequenceEnd(end: YAMLMark)
    /// `MAPPING-START`.
    case mappingStart(properties: NodeProperties, isFlow: Bool)
    /// `MAPPING-END`.
    case mappingEnd(end: YAMLMark)
}

/// The tag, anchor and start mark of a node event.
struct NodeProperties: Sendable {
    /// The resolved tag, if any.
    var tag: String?
    /// The anchor name, if any.
    var anchor: String?
    /// Where the node (including its properties) starts.
    var start: YAMLMark
}
