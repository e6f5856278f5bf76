import CLibYAML

/// Owns a libyaml `yaml_emitter_t` that writes UTF-8 into memory, fed one event at a time.
final class LibYAMLEventEmitter {
    /// Collects the emitter's output; passed to the C write callback as its context pointer.
    private final class Sink {
        var bytes: [UInt8] = []
    }

    private let emitter: UnsafeMutablePointer<yaml_emitter_t>
    private let event: UnsafeMutablePointer<yaml_event_t>
    private let sink = Sink()

    /// Prepares a block-style, unicode, unlimited-width emitter with the given indentation (2...9).
    init(indent: Int) throws(YAMLError) {
        emitter = .allocate(capacity: 1)
        event = .allocate(capacity: 1)
        guard yaml_emitter_initialize(emitter) == 1 else {
            emitter.deallocate()
            event.deallocate()
            throw YAMLError(kind: .outOfMemory, message: "cannot initialize the YAML emitter")
        }
        yaml_emitter_set_output(
            emitter,
            { context, buffer, size in
                guard let context else { return 0 }
                let sink = Unmanaged<Sink>.fromOpaque(context).takeUnretainedValue()
                if let buffer, size > 0 {
                    sink.bytes.append(contentsOf: UnsafeBufferPointer(start: buffer, count: size))
                }
                return 1
            },
            Unmanaged.passUnretained(sink).toOpaque())
        yaml_emitter_set_encoding(emitter, YAML_UTF8_ENCODING)
        yaml_emitter_set_unicode(emitter, 1)
        yaml_emitter_set_width(emitter, -1)
        yaml_emitter_set_indent(emitter, Int32(clamping: indent))
        yaml_emitter_set_break(emitter, YAML_LN_BREAK)
    }

    deinit {
        yaml_emitter_delete(emitter)
        emitter.deallocate()
        event.deallocate()
    }

    /// Everything written so far, as a string.
    var output: String { String(decoding: sink.bytes, as: UTF8.self) }

    /// Fills an event with `initialize` (a `yaml_*_event_initialize` call) and emits it. libyaml frees the
    /// event whether or not emitting succeeds.
    func emit(_ initialize: (UnsafeMutablePointer<yaml_event_t>) -> Int32) throws(YAMLError) {
        guard initialize(event) == 1 else {
            throw YAMLError(kind: .emitter, message: "cannot create a YAML event (invalid tag or out of memory)")
        }
        guard yaml_emitter_emit(emitter, event) == 1 else {
            let problem = emitter.pointee.problem.map { String(cString: $0) } ?? "unknown emitter error"
            let kind: YAMLError.Kind = emitter.pointee.error == YAML_MEMORY_ERROR ? .outOfMemory : .emitter
            throw YAMLError(kind: kind, message: problem)
        }
    }

    /// Emits a scalar event.
    func emitScalar(
        _ value: String, tag: String?, plainImplicit: Bool, quotedImplicit: Bool, style: yaml_scalar_style_t
    ) throws(YAMLError) {
        // NUL-terminated so that even an empty value has a valid (non-NULL) pointer, which libyaml requires.
        let bytes = Array(value.utf8) + [0]
        try withOptionalCString(tag) { tagPointer throws(YAMLError) in
            try bytes.withUnsafeBufferPointer { buffer throws(YAMLError) in
                try emit { event in
                    yaml_scalar_event_initialize(
                        event, nil, tagPointer, buffer.baseAddress, Int32(clamping: buffer.count - 1),
                        plainImplicit ? 1 : 0, quotedImplicit ? 1 : 0, style)
                }
            }
        }
    }

    /// Emits a block sequence or mapping start event.
    func emitCollectionStart(isMapping: Bool, tag: String?) throws(YAMLError) {
        try withOptionalCString(tag) { tagPointer throws(YAMLError) in
            try emit { event in
                let implicit: Int32 = tagPointer == nil ? 1 : 0
                return isMapping
                    ? yaml_mapping_start_event_initialize(event, nil, tagPointer, implicit, YAML_BLOCK_MAPPING_STYLE)
                    : yaml_sequence_start_event_initialize(event, nil, tagPointer, implicit, YAML_BLOCK_SEQUENCE_STYLE)
            }
        }
    }

    private func withOptionalCString(
        _ string: String?, _ body: (UnsafePointer<yaml_char_t>?) throws(YAMLError) -> Void
    ) throws(YAMLError) {
        guard let string else { return try body(nil) }
        let bytes = Array(string.utf8) + [0]
        try bytes.withUnsafeBufferPointer { buffer throws(YAMLError) in try body(buffer.baseAddress) }
    }
}
