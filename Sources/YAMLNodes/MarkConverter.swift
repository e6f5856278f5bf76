/// Turns libyaml marks into ``YAMLMark``s.
///
/// libyaml's `mark.index` counts characters (Unicode scalars, with CRLF as two), not bytes, so the byte
/// offset is found by walking the UTF-8 input from the previously converted position. Successive marks are
/// close together, so the total work stays linear in the input size.
///
/// libyaml may be given the input after a skipped prefix (a UTF-8 byte order mark): libyaml's indices and
/// offsets are then relative to `startOffset`, while the marks produced here are offsets into all of `input`.
struct MarkConverter {
    /// The whole UTF-8 input.
    let input: UnsafeBufferPointer<UInt8>
    /// Where the part given to libyaml starts.
    let startOffset: Int
    private var characterIndex = 0
    private var byteOffset: Int

    /// Creates a converter over `input`, of which libyaml sees the bytes from `startOffset` on.
    /// Whether the input past `startOffset` is all ASCII, where a character index is a byte count.
    private let isASCII: Bool

    init(input: UnsafeBufferPointer<UInt8>, startOffset: Int = 0) {
        self.input = input
        self.startOffset = startOffset
        self.byteOffset = startOffset
        self.isASCII = Self.isASCII(input, from: startOffset)
    }

    /// Whether no byte from `start` on has its high bit set, tested eight bytes at a time.
    static func isASCII(_ input: UnsafeBufferPointer<UInt8>, from start: Int) -> Bool {
        guard let base = input.baseAddress, start < input.count else { return true }
        let raw = UnsafeRawPointer(base + start)
        let count = input.count - start
        var index = 0
        var high: UInt64 = 0
        while index + 8 <= count {
            high |= raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            index += 8
        }
        while index < count {
            high |= UInt64(raw.load(fromByteOffset: index, as: UInt8.self))
            index += 1
        }
        return high & 0x8080_8080_8080_8080 == 0
    }

    /// Converts a 0-based libyaml line, column and character index to a 1-based mark with a byte offset.
    mutating func mark(line: Int, column: Int, characterIndex target: Int) -> YAMLMark {
        YAMLMark(line: line + 1, column: column + 1, offset: byteOffset(forCharacterIndex: target))
    }

    /// The byte offset of the character with the given 0-based index.
    mutating func byteOffset(forCharacterIndex target: Int) -> Int {
        if isASCII { return min(startOffset + max(target, 0), input.count) }
        while characterIndex < target, byteOffset < input.count {
            byteOffset += 1
            while byteOffset < input.count, Self.isContinuationByte(input[byteOffset]) { byteOffset += 1 }
            characterIndex += 1
        }
        while characterIndex > target, byteOffset > startOffset {
            byteOffset -= 1
            while byteOffset > startOffset, Self.isContinuationByte(input[byteOffset]) { byteOffset -= 1 }
            characterIndex -= 1
        }
        return byteOffset
    }

    /// The 1-based mark of a byte offset relative to `startOffset`, found by scanning from the start (used
    /// for reader errors, where libyaml reports only a byte offset). Lines end at LF, CR or CRLF.
    func mark(forByteOffset offset: Int) -> YAMLMark {
        let end = min(startOffset + offset, input.count)
        var line = 1
        var column = 1
        var index = startOffset
        while index < end {
            let byte = input[index]
            if byte == 0x0A || (byte == 0x0D && (index + 1 >= input.count || input[index + 1] != 0x0A)) {
                line += 1
                column = 1
            } else if !Self.isContinuationByte(byte) && byte != 0x0D {
                column += 1
            }
            index += 1
        }
        return YAMLMark(line: line, column: column, offset: end)
    }

    private static func isContinuationByte(_ byte: UInt8) -> Bool { byte & 0xC0 == 0x80 }
}

extension MarkConverter {
    /// The input byte at `offset`, or `nil` past the end.
    func byte(at offset: Int) -> UInt8? {
        offset >= 0 && offset < input.count ? input[offset] : nil
    }
}
