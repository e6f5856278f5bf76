import CLibYAML

/// Writes ``YAMLNode`` trees as block-style YAML through libyaml's emitter.
///
/// Mapping keys keep their order. Strings are written plain when that reads back as the same string, and
/// otherwise quoted (libyaml picks single or double quotes); strings that would read back as another type
/// are double-quoted: `"true"`, `"3"`, `"null"`, `""`, and for the sake of YAML 1.1 readers also `"yes"`,
/// `"off"` and number or date look-alikes such as `"1:30"` or `"2001-12-14"`.
/// Multi-line strings are written as literal blocks (`|`) where libyaml allows it. Null, boolean and number
/// scalars are written plain as they were spelled (an empty null as `null`). Application-specific tags are
/// written; core tags only when needed to keep a scalar's type. Parsing the output gives a tree equal
/// (see ``YAMLNode``) to the one emitted.
public struct YAMLEmitter: Sendable {
    /// Spaces per indentation level, 2 through 9.
    public var indent: Int

    /// Creates an emitter with the given indentation (clamped to 2...9).
    public init(indent: Int = 2) {
        self.indent = min(max(indent, 2), 9)
    }

    /// Writes one document.
    public func emit(_ node: YAMLNode) throws(YAMLError) -> String {
        try emit(documents: [node])
    }

    /// Writes several documents; the second and later ones start with `---`.
    public func emit(documents: [YAMLNode]) throws(YAMLError) -> String {
        let writer = try LibYAMLEventEmitter(indent: indent)
        try writer.emit { yaml_stream_start_event_initialize($0, YAML_UTF8_ENCODING) }
        for root in documents {
            try writer.emit { yaml_document_start_event_initialize($0, nil, nil, nil, 1) }
            try emitTree(root, to: writer)
            try writer.emit { yaml_document_end_event_initialize($0, 1) }
        }
        try writer.emit { yaml_stream_end_event_initialize($0) }
        return writer.output
    }

    /// One key of a streamed document's root mapping: a mapping of `count` entries, each built only when written.
    public struct Section {
        /// The root mapping's key.
        public var key: String
        /// How many entries the section's mapping has.
        public var count: Int
        /// The entry at an index, from 0 to `count - 1`.
        public var entry: (Int) -> (key: YAMLNode, value: YAMLNode)

        /// Creates a section.
        public init(key: String, count: Int, entry: @escaping (Int) -> (key: YAMLNode, value: YAMLNode)) {
            self.key = key
            self.count = count
            self.entry = entry
        }
    }

    /// Writes one document whose root mapping holds `sections`, building each entry's tree only while it is
    /// written, so a large document never exists as one tree. The text is what `emit(_:)` writes for the whole tree.
    public func emit(sections: [Section]) throws(YAMLError) -> String {
        let writer = try LibYAMLEventEmitter(indent: indent)
        try writer.emit { yaml_stream_start_event_initialize($0, YAML_UTF8_ENCODING) }
        try writer.emit { yaml_document_start_event_initialize($0, nil, nil, nil, 1) }
        try writer.emitCollectionStart(isMapping: true, tag: nil)
        for section in sections {
            try emitTree(YAMLNode(string: section.key), to: writer)
            try writer.emitCollectionStart(isMapping: true, tag: nil)
            for index in 0..<section.count {
                let (key, value) = section.entry(index)
                try emitTree(key, to: writer)
                try emitTree(value, to: writer)
            }
            try writer.emit { yaml_mapping_end_event_initialize($0) }
        }
        try writer.emit { yaml_mapping_end_event_initialize($0) }
        try writer.emit { yaml_document_end_event_initialize($0, 1) }
        try writer.emit { yaml_stream_end_event_initialize($0) }
        return writer.output
    }

    /// A pending piece of the iterative tree walk.
    private enum Step {
        case node(YAMLNode)
        case end(isMapping: Bool)
    }

    private func emitTree(_ root: YAMLNode, to writer: LibYAMLEventEmitter) throws(YAMLError) {
        // A scalar (most keys) is written without a walk.
        if case .scalar(let text, let style) = root.kind {
            try emitScalar(text, style: style, tag: root.tag, to: writer)
            return
        }
        var pending: [Step] = [.node(root)]
        while let step = pending.popLast() {
            switch step {
            case .end(let isMapping):
                try writer.emit {
                    isMapping ? yaml_mapping_end_event_initialize($0) : yaml_sequence_end_event_initialize($0)
                }
            case .node(let node):
                switch node.kind {
                case .scalar(let text, let style):
                    try emitScalar(text, style: style, tag: node.tag, to: writer)
                case .sequence(let items):
                    try writer.emitCollectionStart(isMapping: false, tag: node.customTag)
                    pending.append(.end(isMapping: false))
                    pending.append(contentsOf: items.reversed().map { .node($0) })
                case .mapping(let pairs):
                    try writer.emitCollectionStart(isMapping: true, tag: node.customTag)
                    pending.append(.end(isMapping: true))
                    for pair in pairs.reversed() {
                        pending.append(.node(pair.value))
                        pending.append(.node(pair.key))
                    }
                }
            }
        }
    }

    private func emitScalar(
        _ text: String, style: YAMLScalarStyle, tag: String?, to writer: LibYAMLEventEmitter
    ) throws(YAMLError) {
        let type = YAMLScalarType.resolving(text, style: style, tag: tag)
        if let tag, !CoreSchema.isCoreTag(tag) {
            // The tag is written, so the text needs no help to keep its meaning.
            try writer.emitScalar(
                text, tag: tag, plainImplicit: false, quotedImplicit: false, style: preferredStringStyle(text))
            return
        }
        guard type == .string else {
            let value = type == .null && text.isEmpty ? "null" : text
            let needsTag = CoreSchema.resolvePlain(value) != type
            try writer.emitScalar(
                value, tag: needsTag ? type.coreTag : nil, plainImplicit: !needsTag, quotedImplicit: false,
                style: YAML_PLAIN_SCALAR_STYLE)
            return
        }
        // A plain untagged scalar was resolved as plain text already.
        let plainType = style == .plain && tag == nil ? type : CoreSchema.resolvePlain(text)
        let plainIsString = plainType == .string && !CoreSchema.isYAML11NonString(text)
        try writer.emitScalar(
            text, tag: nil, plainImplicit: plainIsString, quotedImplicit: true,
            style: plainIsString ? preferredStringStyle(text) : YAML_DOUBLE_QUOTED_SCALAR_STYLE)
    }

    /// Literal block for multi-line text, otherwise whatever libyaml finds best.
    private func preferredStringStyle(_ text: String) -> yaml_scalar_style_t {
        text.utf8.contains(0x0A) ? YAML_LITERAL_SCALAR_STYLE : YAML_ANY_SCALAR_STYLE
    }
}
