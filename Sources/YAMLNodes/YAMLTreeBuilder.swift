/// Assembles ``YAMLDocument``s from parser events without recursion, resolving aliases and enforcing
/// ``YAMLParser/Limits``.
struct YAMLTreeBuilder {
    /// A finished node with its size and height, as needed to check limits when it is aliased.
    private struct Built {
        var node: YAMLNode
        /// Nodes in the subtree, the node itself included.
        var count: Int
        /// Collections on the deepest path through the subtree (0 for a scalar).
        var height: Int
    }

    /// A mapping or sequence that is still open, gathering its children.
    private struct Frame {
        var isMapping: Bool
        var isFlow: Bool
        var properties: YAMLNodeProperties
        /// A sequence's items so far.
        var items: [YAMLNode] = []
        /// A mapping's pairs so far.
        var pairs: [(key: YAMLNode, value: YAMLNode)] = []
        /// A mapping's key whose value has not come yet.
        var pendingKey: YAMLNode?
        var count = 1
        var height = 1
        var lastChildEnd: YAMLMark?
        /// The root mapping's key this mapping is the value of, when its entries are streamed.
        var streamedSection: YAMLNode?

        init(isMapping: Bool, isFlow: Bool, properties: YAMLNodeProperties) {
            self.isMapping = isMapping
            self.isFlow = isFlow
            self.properties = properties
            // Objects are small collections: one allocation each, grown only for larger ones.
            if isMapping { pairs.reserveCapacity(4) } else { items.reserveCapacity(4) }
        }
    }

    /// The documents completed so far.
    private(set) var documents: [YAMLDocument] = []
    private let limits: YAMLParser.Limits
    private let fileName: String
    private var frames: [Frame] = []
    private var anchors: [String: Built] = [:]
    private var expandedNodes = 0
    private var documentStart = YAMLMark.unknown
    private var root: YAMLNode?
    /// The root mapping's keys whose mapping values have their entries streamed.
    private let streamedSections: Set<String>
    /// A streamed entry's value being gathered as events instead of built (see `StreamedEntry.events`).
    private var capture: Capture?

    /// The events of a collection that is a streamed entry's value, gathered until it closes.
    private struct Capture {
        var events: [YAMLEvent] = []
        /// Whether each collection open in the capture is a flow collection.
        var flows: [Bool] = []
        /// Where the last node completed in the capture ends.
        var lastEnd: YAMLMark?

        init(first: consuming YAMLEvent, isFlow: Bool) {
            // A limit or a workflow is a few dozen events.
            events.reserveCapacity(64)
            events.append(first)
            flows.append(isFlow)
        }
    }

    /// Creates a builder enforcing `limits`; `fileName` goes into errors. The entries of a mapping that is the value
    /// of one of `streamedSections` in a document's root mapping are handed to `handle`'s `entry` as they complete,
    /// and the tree keeps that mapping empty.
    init(limits: YAMLParser.Limits, fileName: String, streamedSections: Set<String> = []) {
        self.limits = limits
        self.fileName = fileName
        self.streamedSections = streamedSections
    }

    /// Applies one event; a streamed entry that it completes goes to `entry`.
    mutating func handle(
        _ event: consuming YAMLEvent, entry: (YAMLParser.StreamedEntry) -> Void = { _ in }
    ) throws(YAMLError) {
        if capture != nil {
            try gather(event, entry: entry)
            return
        }
        switch event {
        case .streamStart, .streamEnd:
            break
        case .documentStart(let start):
            documentStart = start
            anchors = [:]
            root = nil
        case .documentEnd(let end):
            documents.append(YAMLDocument(root: root ?? .null, start: documentStart, end: end))
            root = nil
        case .alias(let anchor, let start, let end):
            try alias(anchor, at: start, end: end, entry: entry)
        case .scalar(let value, let style, let properties, let end):
            let node = YAMLNode(.scalar(value, style), tag: properties.tag, start: properties.start, end: end)
            finish(node, count: 1, height: 0, anchor: properties.anchor, end: end, entry: entry)
        case .sequenceStart(let properties, let isFlow) where startsCapture:
            try checkDepth(at: properties.start)
            capture = Capture(first: event, isFlow: isFlow)
        case .mappingStart(let properties, let isFlow) where startsCapture:
            try checkDepth(at: properties.start)
            capture = Capture(first: event, isFlow: isFlow)
        case .sequenceStart(let properties, let isFlow):
            try open(Frame(isMapping: false, isFlow: isFlow, properties: properties))
        case .mappingStart(let properties, let isFlow):
            try open(Frame(isMapping: true, isFlow: isFlow, properties: properties))
        case .sequenceEnd(let end), .mappingEnd(let end):
            close(end: end, entry: entry)
        }
    }

    /// Whether a collection starting now is a streamed entry's value to gather as events: the parse allows no
    /// aliases (so no later node can copy it) and the innermost open collection is a streamed mapping awaiting a value.
    private var startsCapture: Bool {
        !limits.allowsAliases && frames.count == 2 && frames[1].streamedSection != nil && frames[1].pendingKey != nil
    }

    /// Throws when a collection starting at `mark` would nest deeper than the limits allow; `open` collections
    /// counts those already open, plus those open in a capture.
    private func checkDepth(at mark: YAMLMark, open: Int = 0) throws(YAMLError) {
        guard frames.count + open < limits.maxNestingDepth else {
            throw YAMLError(
                kind: .nestingDepthLimit,
                message: "collections are nested more than \(limits.maxNestingDepth) levels deep",
                mark: mark, fileName: fileName)
        }
    }

    /// Adds an event to the value being gathered; when the value closes, hands the entry over as its events.
    private mutating func gather(
        _ event: consuming YAMLEvent, entry: (YAMLParser.StreamedEntry) -> Void
    ) throws(YAMLError) {
        switch event {
        case .alias(let anchor, let start, let end):
            // Refused: the parse allows no aliases.
            try alias(anchor, at: start, end: end, entry: entry)
        case .scalar(_, _, _, let end):
            capture?.lastEnd = end
        case .sequenceStart(let properties, let isFlow), .mappingStart(let properties, let isFlow):
            try checkDepth(at: properties.start, open: capture?.flows.count ?? 0)
            capture?.flows.append(isFlow)
        case .sequenceEnd(let end), .mappingEnd(let end):
            // A block collection ends where its last child ends, as in `close`.
            if capture?.flows.popLast() == true { capture?.lastEnd = end }
        default:
            break
        }
        capture?.events.append(event)
        guard capture?.flows.isEmpty == true, let gathered = capture.take() else { return }
        let index = frames.count - 1
        frames[index].lastChildEnd = gathered.lastEnd
        guard let key = frames[index].pendingKey, let section = frames[index].streamedSection else { return }
        frames[index].pendingKey = nil
        entry(YAMLParser.StreamedEntry(document: documents.count, section: section, key: key, events: gathered.events))
    }

    /// The node a streamed value's events make (see `StreamedEntry.value`).
    static func node(from events: [YAMLEvent]) -> YAMLNode {
        let limits = YAMLParser.Limits(maxAliasExpandedNodes: 0, maxNestingDepth: .max, allowsAliases: false)
        var builder = YAMLTreeBuilder(limits: limits, fileName: "")
        // Events that were gathered hold no alias and were nested within the limits already, so nothing can throw.
        do throws(YAMLError) {
            try builder.handle(.documentStart(start: .unknown))
            for event in events { try builder.handle(event) }
            try builder.handle(.documentEnd(end: .unknown))
        } catch {
            return .null
        }
        return builder.documents.first?.root ?? .null
    }

    private mutating func open(_ frame: consuming Frame) throws(YAMLError) {
        try checkDepth(at: frame.properties.start)
        if frame.isMapping, frames.count == 1, frames[0].isMapping, let key = frames[0].pendingKey,
            let name = key.scalarValue, streamedSections.contains(name)
        {
            frame.streamedSection = key
        }
        frames.append(frame)
    }

    private mutating func close(end: YAMLMark, entry: (YAMLParser.StreamedEntry) -> Void) {
        guard let frame = frames.popLast() else { return }
        // Block collections end where their last child ends; libyaml's end event sits at the next token.
        let start = frame.properties.start
        let finalEnd = frame.isFlow ? end : (frame.lastChildEnd ?? start)
        let kind: YAMLNode.Kind = frame.isMapping ? .mapping(frame.pairs) : .sequence(frame.items)
        let node = YAMLNode(kind, tag: frame.properties.tag, start: start, end: finalEnd)
        finish(
            node, count: frame.count, height: frame.height, anchor: frame.properties.anchor, end: finalEnd, entry: entry
        )
    }

    private mutating func alias(
        _ anchor: String, at mark: YAMLMark, end: YAMLMark, entry: (YAMLParser.StreamedEntry) -> Void
    ) throws(YAMLError) {
        guard limits.allowsAliases else {
            throw YAMLError(
                kind: .aliasNotAllowed, message: "aliases (*\(anchor)) are not allowed here", mark: mark,
                fileName: fileName)
        }
        guard let built = anchors[anchor] else {
            let enclosing = frames.contains { $0.properties.anchor == anchor }
            let message =
                enclosing
                ? "alias *\(anchor) refers to a node that contains it (recursive aliases are not supported)"
                : "unknown alias *\(anchor): no anchor &\(anchor) defined before it in this document"
            throw YAMLError(kind: .unknownAlias, message: message, mark: mark, fileName: fileName)
        }
        expandedNodes += built.count
        guard expandedNodes <= limits.maxAliasExpandedNodes else {
            throw YAMLError(
                kind: .aliasExpansionLimit,
                message: "resolving alias *\(anchor) exceeds the limit of \(limits.maxAliasExpandedNodes) "
                    + "alias-expanded nodes (possible alias bomb)",
                mark: mark, fileName: fileName)
        }
        guard frames.count + built.height <= limits.maxNestingDepth else {
            throw YAMLError(
                kind: .nestingDepthLimit,
                message: "alias *\(anchor) nests collections more than \(limits.maxNestingDepth) levels deep",
                mark: mark, fileName: fileName)
        }
        finish(built.node, count: built.count, height: built.height, anchor: nil, end: end, entry: entry)
    }

    /// Hands a completed node to its parent (or makes it the document root) and records its anchor; `count` and
    /// `height` are its subtree's, and `end` is where its source text ends (for an alias, the end of `*name`).
    private mutating func finish(
        _ node: consuming YAMLNode, count: Int, height: Int, anchor: String?, end: YAMLMark,
        entry: (YAMLParser.StreamedEntry) -> Void
    ) {
        if let anchor { anchors[anchor] = Built(node: copy node, count: count, height: height) }
        guard !frames.isEmpty else {
            root = node
            return
        }
        let index = frames.count - 1
        frames[index].count += count
        frames[index].height = max(frames[index].height, height + 1)
        frames[index].lastChildEnd = end
        guard frames[index].isMapping else {
            frames[index].items.append(node)
            return
        }
        guard let key = frames[index].pendingKey else {
            frames[index].pendingKey = node
            return
        }
        frames[index].pendingKey = nil
        if let section = frames[index].streamedSection {
            entry(YAMLParser.StreamedEntry(document: documents.count, section: section, key: key, value: node))
        } else {
            frames[index].pairs.append((key: key, value: node))
        }
    }
}
