import CLibYAML

/// Owns a libyaml `yaml_parser_t` reading a UTF-8 buffer and yields its events one at a time.
///
/// The buffer must stay valid for the parser's lifetime.
final class LibYAMLEventParser {
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private let event: UnsafeMutablePointer<yaml_event_t>
    private var marks: MarkConverter
    private let fileName: String
    private let looksLikeUTF16: Bool

    /// Prepares a parser over `input`, forcing UTF-8 (no UTF-16 detection). A leading UTF-8 byte order mark
    /// is skipped here: with the encoding forced, libyaml would count it as a column and misjudge indentation.
    init(input: UnsafeBufferPointer<UInt8>, fileName: String) throws(YAMLError) {
        parser = .allocate(capacity: 1)
        event = .allocate(capacity: 1)
        let bomLength = input.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        marks = MarkConverter(input: input, startOffset: bomLength)
        looksLikeUTF16 = input.starts(with: [0xFF, 0xFE]) || input.starts(with: [0xFE, 0xFF])
        self.fileName = fileName
        guard yaml_parser_initialize(parser) == 1, let base = input.baseAddress else {
            parser.deallocate()
            event.deallocate()
            throw YAMLError(kind: .outOfMemory, message: "cannot initialize the YAML parser", fileName: fileName)
        }
        yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(parser, base + bomLength, input.count - bomLength)
    }

    deinit {
        yaml_parser_delete(parser)
        parser.deallocate()
        event.deallocate()
    }

    /// Parses and returns the next event.
    func next() throws(YAMLError) -> YAMLEvent {
        guard yaml_parser_parse(parser, event) == 1 else { throw currentError() }
        defer { yaml_event_delete(event) }
        let raw = event.pointee
        switch raw.type {
        case YAML_STREAM_START_EVENT:
            return .streamStart
        case YAML_DOCUMENT_START_EVENT:
            return .documentStart(start: convert(raw.start_mark))
        case YAML_DOCUMENT_END_EVENT:
            return .documentEnd(end: convert(raw.end_mark))
        case YAML_ALIAS_EVENT:
            let start = convert(raw.start_mark)
            return .alias(anchor: string(raw.data.alias.anchor) ?? "", start: start, end: convert(raw.end_mark))
        case YAML_SCALAR_EVENT:
            let scalar = raw.data.scalar
            let properties = YAMLNodeProperties(
                tag: string(scalar.tag), anchor: string(scalar.anchor), start: convert(raw.start_mark))
            let value = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
            return .scalar(
                value: value, style: style(scalar.style), properties: properties, end: convert(raw.end_mark))
        case YAML_SEQUENCE_START_EVENT:
            let start = raw.data.sequence_start
            let properties = YAMLNodeProperties(
                tag: string(start.tag), anchor: string(start.anchor), start: convert(raw.start_mark))
            return .sequenceStart(properties: properties, isFlow: start.style == YAML_FLOW_SEQUENCE_STYLE)
        case YAML_SEQUENCE_END_EVENT:
            return .sequenceEnd(end: convert(raw.end_mark))
        case YAML_MAPPING_START_EVENT:
            let start = raw.data.mapping_start
            let properties = YAMLNodeProperties(
                tag: string(start.tag), anchor: string(start.anchor), start: convert(raw.start_mark))
            return .mappingStart(properties: properties, isFlow: start.style == YAML_FLOW_MAPPING_STYLE)
        case YAML_MAPPING_END_EVENT:
            return .mappingEnd(end: convert(raw.end_mark))
        default:
            return .streamEnd
        }
    }

    private func convert(_ mark: yaml_mark_t) -> YAMLMark {
        marks.mark(line: mark.line, column: mark.column, characterIndex: mark.index)
    }

    private func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    private func style(_ style: yaml_scalar_style_t) -> YAMLScalarStyle {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: .literal
        case YAML_FOLDED_SCALAR_STYLE: .folded
        default: .plain
        }
    }

    /// Builds a ``YAMLError`` from the parser's error fields.
    private func currentError() -> YAMLError {
        let state = parser.pointee
        let problem = state.problem.map { String(cString: $0) } ?? "unknown YAML error"
        switch state.error {
        case YAML_MEMORY_ERROR:
            return YAMLError(kind: .outOfMemory, message: "out of memory while parsing YAML", fileName: fileName)
        case YAML_READER_ERROR:
            return readerError(problem: problem, state: state)
        default:
            let mark = convert(state.problem_mark)
            let context = state.context.map { String(cString: $0) }
            var message = problem
            if problem == "found character that cannot start any token", marks.byte(at: mark.offset) == 0x09 {
                message += " (a tab: YAML does not allow tabs for indentation)"
            }
            return YAMLError(
                kind: .syntax, message: message, mark: mark, context: context,
                contextMark: context == nil ? nil : convert(state.context_mark), fileName: fileName)
        }
    }

    /// Reader errors carry a byte offset and value instead of a mark.
    private func readerError(problem: String, state: yaml_parser_t) -> YAMLError {
        let mark = marks.mark(forByteOffset: state.problem_offset)
        let value = Int(state.problem_value)
        if problem.contains("control characters") {
            let detail = value >= 0 ? " (U+\(hex(value, width: 4)))" : ""
            return YAMLError(kind: .invalidCharacter, message: problem + detail, mark: mark, fileName: fileName)
        }
        var detail = ""
        if value >= 0 {
            detail = problem.contains("octet") ? " 0x\(hex(value, width: 2))" : " U+\(hex(value, width: 4))"
        }
        let hint = looksLikeUTF16 ? " (the input looks like UTF-16; only UTF-8 is supported)" : ""
        return YAMLError(
            kind: .invalidUTF8, message: "input is not valid UTF-8: \(problem)\(detail)\(hint)", mark: mark,
            fileName: fileName)
    }

    private func hex(_ value: Int, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
