/// Why YAML could not be read or written.
///
/// `description` reads like `config.yaml: line 3, column 7: mapping values are not allowed in this context`
/// (without the file part when no file name was given), followed by libyaml's context when it has one, e.g.
/// `(while scanning a quoted scalar at line 2, column 5)`.
public struct YAMLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The category of a ``YAMLError``.
    public enum Kind: Sendable, Hashable {
        /// The text is not well-formed YAML (scanner or parser error from libyaml).
        case syntax
        /// The input bytes are not valid UTF-8.
        case invalidUTF8
        /// The input contains a character YAML does not allow, such as a control character.
        case invalidCharacter
        /// An `*alias` names an anchor that is not defined earlier in the document (or that encloses it).
        case unknownAlias
        /// An `*alias` where ``YAMLParser/Limits/allowsAliases`` is off.
        case aliasNotAllowed
        /// Resolving aliases would produce more nodes than ``YAMLParser/Limits/maxAliasExpandedNodes``.
        case aliasExpansionLimit
        /// Collections are nested deeper than ``YAMLParser/Limits/maxNestingDepth``.
        case nestingDepthLimit
        /// libyaml's emitter rejected the tree (e.g. an invalid tag).
        case emitter
        /// libyaml ran out of memory.
        case outOfMemory
    }

    /// The category of the error.
    public var kind: Kind
    /// What went wrong, e.g. `mapping values are not allowed in this context`.
    public var message: String
    /// Where it went wrong (1-based), if known.
    public var mark: YAMLMark?
    /// libyaml's context, e.g. `while parsing a block mapping`, if any.
    public var context: String?
    /// Where the context starts, e.g. where the unterminated block mapping began.
    public var contextMark: YAMLMark?
    /// The file name given to the parser; may be empty.
    public var fileName: String

    /// Creates an error.
    public init(
        kind: Kind,
        message: String,
        mark: YAMLMark? = nil,
        context: String? = nil,
        contextMark: YAMLMark? = nil,
        fileName: String = ""
    ) {
        self.kind = kind
        self.message = message
        self.mark = mark
        self.context = context
        self.contextMark = contextMark
        self.fileName = fileName
    }

    /// `[file: ]line L, column C: message[ (context[ at line L, column C])]`.
    public var description: String {
        var text = fileName.isEmpty ? "" : "\(fileName): "
        if let mark { text += "\(mark): " }
        text += message
        if let context {
            text += " (\(context)"
            if let contextMark { text += " at \(contextMark)" }
            text += ")"
        }
        return text
    }
}
