extension YAMLNode: CustomStringConvertible {
    /// A compact, single-line, flow-style rendering for logs and test failures, e.g.
    /// `{name: "web", ports: [80, 443], debug: false}`. Strings are double-quoted; other scalars are shown
    /// as written. Not meant to be parsed back; use ``YAMLEmitter`` for that.
    public var description: String {
        var output = ""
        var pending: [Piece] = [.node(self)]
        while let piece = pending.popLast() {
            switch piece {
            case .text(let text):
                output += text
            case .node(let node):
                if let tag = node.customTag { output += "!<\(tag)> " }
                switch node.kind {
                case .scalar(let text, _):
                    output += node.scalarType == .string ? text.debugDescription : text.isEmpty ? "null" : text
                case .sequence(let items):
                    pending.append(.text("]"))
                    for (index, item) in items.enumerated().reversed() {
                        pending.append(.node(item))
                        if index > 0 { pending.append(.text(", ")) }
                    }
                    pending.append(.text("["))
                case .mapping(let pairs):
                    pending.append(.text("}"))
                    for (index, pair) in pairs.enumerated().reversed() {
                        pending.append(.node(pair.value))
                        pending.append(.text(": "))
                        pending.append(.node(pair.key))
                        if index > 0 { pending.append(.text(", ")) }
                    }
                    pending.append(.text("{"))
                }
            }
        }
        return output
    }
}

/// A step of the iterative rendering in ``YAMLNode/description``.
private enum Piece {
    case text(String)
    case node(YAMLNode)
}
