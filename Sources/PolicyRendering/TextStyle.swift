/// ANSI styling for text output, or none: off when `NO_COLOR` is set, with `--no-color`, or off a terminal.
public struct TextStyle: Sendable {
    /// Whether escape codes are written.
    public var usesColor: Bool

    /// Creates a style.
    public init(usesColor: Bool) {
        self.usesColor = usesColor
    }

    /// No escape codes.
    public static let plain = TextStyle(usesColor: false)

    func wrap(_ text: String, _ code: String) -> String {
        usesColor ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    func bold(_ text: String) -> String { wrap(text, "1") }
    func red(_ text: String) -> String { wrap(text, "1;31") }
    func yellow(_ text: String) -> String { wrap(text, "1;33") }
    func green(_ text: String) -> String { wrap(text, "32") }
    func cyan(_ text: String) -> String { wrap(text, "36") }
    func dim(_ text: String) -> String { wrap(text, "2") }
}
