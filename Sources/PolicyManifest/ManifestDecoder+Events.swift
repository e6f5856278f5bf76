import PolicyModel
import YAMLNodes

/// Reading objects straight from the parser's events: the scalars they accept, with nothing to fill in and of the type
/// the node reader would accept, and anything else refused (the object is then read from its node).
extension ManifestDecoder {
    /// Text with nothing to fill in; nil for anything else (another type, or a `${…}`).
    static func text(_ node: YAMLNode) -> String? {
        guard let text = node.scalarValue, node.scalarType == .string, !Interpolation.hasReferenceOpening(text) else {
            return nil
        }
        return text
    }

    /// A whole number with nothing to fill in.
    static func number(_ node: YAMLNode) -> Int? {
        guard let text = node.scalarValue, !Interpolation.hasReferenceOpening(text) else { return nil }
        return node.int
    }

    /// A duration with nothing to fill in, read as `NodeReader.duration` reads it.
    static func duration(_ node: YAMLNode) -> Int? {
        guard let text = node.scalarValue, !Interpolation.hasReferenceOpening(text) else { return nil }
        return NodeReader.durationValue(node)
    }

    /// Text, or with `numbersAsText` also an unquoted number as written, with nothing to fill in.
    static func text(_ node: YAMLNode, numbersAsText: Bool) -> String? {
        guard numbersAsText, let type = node.scalarType, type == .int || type == .float else { return text(node) }
        guard let text = node.scalarValue, !Interpolation.hasReferenceOpening(text) else { return nil }
        return text
    }
}

/// Walks an object's events for the decoders that read objects straight from them, taking only plain shapes: any tag,
/// anchor or alias makes it refuse.
struct EventReader {
    private let events: [YAMLEvent]
    private var index = 0

    init(_ events: [YAMLEvent]) {
        self.events = events
    }

    var isAtEnd: Bool { index == events.count }

    /// Where the collection starting at the next event starts, if one does.
    var collectionStart: YAMLMark? {
        guard index < events.count else { return nil }
        switch events[index] {
        case .mappingStart(let properties, _), .sequenceStart(let properties, _): return properties.start
        default: return nil
        }
    }

    /// Takes the next event if it starts a mapping (or a sequence) with no tag or anchor.
    mutating func startsCollection(mapping: Bool) -> Bool {
        guard index < events.count else { return false }
        switch events[index] {
        case .mappingStart(let properties, _) where mapping && properties.tag == nil && properties.anchor == nil,
            .sequenceStart(let properties, _) where !mapping && properties.tag == nil && properties.anchor == nil:
            index += 1
            return true
        default:
            return false
        }
    }

    /// Takes the next event if it ends a collection.
    mutating func endsCollection() -> Bool {
        guard index < events.count else { return false }
        switch events[index] {
        case .mappingEnd, .sequenceEnd:
            index += 1
            return true
        default:
            return false
        }
    }

    /// Takes the next event if it is a scalar with no tag or anchor, as its text (a key).
    mutating func key() -> String? {
        guard index < events.count,
            case .scalar(let value, _, let properties, _) = events[index],
            properties.tag == nil, properties.anchor == nil
        else { return nil }
        index += 1
        return value
    }

    /// Takes the next event if it is a scalar with no tag or anchor, as its node.
    mutating func scalar() -> YAMLNode? {
        guard index < events.count,
            case .scalar(let value, let style, let properties, let end) = events[index],
            properties.tag == nil, properties.anchor == nil
        else { return nil }
        index += 1
        return YAMLNode(.scalar(value, style), start: properties.start, end: end)
    }
}
