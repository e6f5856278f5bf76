import Foundation

/// The JSON settings both sides of the wire use.
public enum WireCoding {
    /// An encoder with sorted keys, so output is the same byte for byte on every run, and `/` unescaped.
    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// A plain decoder; the API's dates stay strings.
    public static func makeDecoder() -> JSONDecoder {
        JSONDecoder()
    }
}
