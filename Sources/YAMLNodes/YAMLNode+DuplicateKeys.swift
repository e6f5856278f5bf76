extension YAMLNode {
    /// Every key that repeats an earlier key of the same mapping, searching this node and everything below
    /// it, in document order. Keys compare semantically (see ``YAMLNode``): `a` and `"a"` are duplicates,
    /// `1` and `"1"` are not. The returned nodes carry their marks, ready for an error message. (A duplicate
    /// inside an anchored node is also found in each alias copy, with the same marks.)
    public func duplicateKeys() -> [YAMLNode] {
        var duplicates: [YAMLNode] = []
        var pending: [DuplicateSearchStep] = [.visit(self)]
        while let step = pending.popLast() {
            switch step {
            case .report(let key):
                duplicates.append(key)
            case .visit(let node):
                switch node.kind {
                case .scalar:
                    continue
                case .sequence(let items):
                    pending.append(contentsOf: items.reversed().map { .visit($0) })
                case .mapping(let pairs):
                    var seen = Set<YAMLNode>()
                    seen.reserveCapacity(pairs.count)
                    let repeated = pairs.map { !seen.insert($0.key).inserted }
                    for (pair, isRepeated) in zip(pairs, repeated).reversed() {
                        pending.append(.visit(pair.value))
                        pending.append(.visit(pair.key))
                        if isRepeated { pending.append(.report(pair.key)) }
                    }
                }
            }
        }
        return duplicates
    }
}

/// A step of the iterative search in ``YAMLNode/duplicateKeys()``.
private enum DuplicateSearchStep {
    case visit(YAMLNode)
    case report(YAMLNode)
}
