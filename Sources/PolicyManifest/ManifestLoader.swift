import Foundation
public import PolicyModel
import YAMLNodes

/// The result of loading manifests: what they declare, what is wrong with them, and their text for showing
/// source lines under diagnostics.
public struct LoadedManifests: Sendable {
    /// The declared objects; meaningful only when `diagnostics` has no errors.
    public var manifests: ManifestSet
    /// Every problem found, sorted by place.
    public var diagnostics: [Diagnostic]
    /// Each file's text by path, for rendering.
    public var sources: [String: String]

    /// Creates a result.
    public init(manifests: ManifestSet, diagnostics: [Diagnostic], sources: [String: String]) {
        self.manifests = manifests
        self.diagnostics = diagnostics
        self.sources = sources
    }
}

/// Finds, reads and checks manifests.
public enum ManifestLoader {
    /// Files larger than this are refused before parsing: a policy is text a person reviews.
    public static let maxFileSize = 16 << 20

    /// Parser bounds for manifests: no aliases (each object is written out, so a review shows what changes) and
    /// shallow nesting.
    static let parserLimits = YAMLParser.Limits(maxAliasExpandedNodes: 0, maxNestingDepth: 64, allowsAliases: false)

    /// Loads `paths` (files, or directories read recursively for `*.yaml` and `*.yml`, hidden ones skipped), and
    /// `testPaths` the same way, whose files may hold only `tests:`. Relative paths start at `base`, and are shown as
    /// given.
    public static func load(
        paths: [String], testPaths: [String] = [], scope: VariableScope, base: BaseDirectory = .current
    ) -> LoadedManifests {
        var diagnostics: [Diagnostic] = []
        var files: [String] = []
        var testFiles = Set<String>()
        for (path, isTests) in paths.map({ ($0, false) }) + testPaths.map({ ($0, true) }) {
            switch discover(path, base: base) {
            case .success(let found):
                files += found
                if isTests { testFiles.formUnion(found) }
            case .failure(let diagnostic):
                diagnostics.append(diagnostic)
            }
        }
        var seen = Set<String>()
        files = files.filter { seen.insert($0).inserted }
        var sources: [(path: String, bytes: [UInt8])] = []
        for file in files {
            switch read(file, base: base) {
            case .success(let bytes): sources.append((file, bytes))
            case .failure(let diagnostic): diagnostics.append(diagnostic)
            }
        }
        var result = decode(consuming: consume sources, scope: scope, testFiles: testFiles)
        result.diagnostics = (diagnostics + result.diagnostics).sortedByLocation
        return result
    }

    /// Files of at least this many bytes are read by libyaml on a second thread while the first builds and decodes
    /// the objects (`YAMLParser.parse(_:fileName:limits:streaming:parsingAhead:entry:)`); below it a thread costs more
    /// than it saves.
    public static let parseAheadSize = 1 << 20

    /// Checks manifest texts already in memory; the pure core of `load`. Files of `parseAheadFrom` bytes or more are
    /// read on a second thread. With `objectsFromEvents`, limits and workflows of the common shape are read straight
    /// from the parser's events, the others from their nodes; without it every object is read from its node (the two
    /// must find the same).
    public static func decode(
        _ files: [(path: String, bytes: [UInt8])], scope: VariableScope, parseAheadFrom: Int = parseAheadSize,
        objectsFromEvents: Bool = true
    ) -> LoadedManifests {
        decode(consuming: files, scope: scope, parseAheadFrom: parseAheadFrom, objectsFromEvents: objectsFromEvents)
    }

    /// `decode`, letting go of each file's bytes once its text is made: a file is then held once, as the text
    /// diagnostics are shown with, not twice.
    static func decode(
        consuming files: consuming [(path: String, bytes: [UInt8])], scope: VariableScope,
        testFiles: Set<String> = [], parseAheadFrom: Int = parseAheadSize, objectsFromEvents: Bool = true
    ) -> LoadedManifests {
        var diagnostics: [Diagnostic] = []
        var limits: [Declared<Limit>] = []
        var workflows: [Declared<Workflow>] = []
        var tests: [PolicyTest] = []
        var names: [(kind: ResourceKind, name: String, location: SourceLocation)] = []
        var sources: [String: String] = [:]
        var paths: [String] = []
        for index in files.indices {
            let path = files[index].path
            paths.append(path)
            // Valid UTF-8 is parsed from the text itself; anything else from the bytes, so libyaml reports where
            // it is invalid (the text has it replaced).
            var bytes: [UInt8] = []
            swap(&bytes, &files[index].bytes)
            let text = String(validating: bytes, as: UTF8.self)
            sources[path] = text ?? String(decoding: bytes, as: UTF8.self)
            if text != nil { bytes = [] }
            // Objects are decoded as the parser completes them, so a large file is never held as one node tree.
            var decoder = ManifestDecoder(
                file: path, scope: scope, testsOnly: testFiles.contains(path), objectsFromEvents: objectsFromEvents)
            let documents: [YAMLDocument]
            do {
                if let text {
                    documents = try YAMLParser.parse(
                        text, fileName: path, limits: parserLimits, streaming: ManifestDecoder.sections,
                        parsingAhead: text.utf8.count >= parseAheadFrom
                    ) { decoder.decode(streamed: $0) }
                } else {
                    documents = try YAMLParser.parse(
                        bytes, fileName: path, limits: parserLimits, streaming: ManifestDecoder.sections
                    ) { decoder.decode(streamed: $0) }
                }
            } catch {
                // What was decoded before the syntax error is dropped with the rest of the file.
                diagnostics.append(
                    diagnostic(for: error, file: path, bytes: text.map { Array($0.utf8) } ?? bytes))
                continue
            }
            for document in documents {
                decoder.decode(document: document.root)
            }
            diagnostics += decoder.reader.diagnostics
            // The first file's arrays are taken as they are, not copied.
            func gather<T>(_ all: inout [T], _ more: [T]) { if all.isEmpty { all = more } else { all += more } }
            gather(&names, decoder.declaredNames)
            gather(&limits, decoder.limits)
            gather(&workflows, decoder.workflows)
            tests += decoder.tests
        }
        diagnostics += duplicates(names)
        diagnostics += sharedPreviousNames(limits.map { ($0.previousName, $0.value.name, $0.location) }, kind: .limit)
        diagnostics += sharedPreviousNames(
            workflows.map { ($0.previousName, $0.value.name, $0.location) }, kind: .workflow)
        limits.sort { $0.value.name < $1.value.name }
        workflows.sort { $0.value.name < $1.value.name }
        diagnostics += identicalBuckets(limits)
        // What tests name is looked up in tables of every object, made only when there are tests.
        let checked =
            tests.isEmpty
            ? (tests: [], diagnostics: []) : PolicyTestCheck(limits: limits, workflows: workflows).check(tests)
        diagnostics += checked.diagnostics
        let manifests = ManifestSet(limits: limits, workflows: workflows, files: paths, tests: checked.tests)
        return LoadedManifests(manifests: manifests, diagnostics: diagnostics.sortedByLocation, sources: sources)
    }

    /// Two limits with the same buckets (max and interval, names aside) count the same sends twice over: most
    /// often one was copied and not changed. One warning per set of such limits, at its second limit (by name),
    /// naming the first few copies and pointing at the first limit: an account of one limit per tenant holds thousands
    /// of identical limits, and a warning for each would bury every other diagnostic.
    static func identicalBuckets(_ limits: [Declared<Limit>]) -> [Diagnostic] {
        /// The buckets' (max, interval) pairs in order, names aside: a limit's one or two buckets held inline, more in
        /// an array.
        struct Shape: Hashable {
            var first: (max: Int, interval: Int)
            var second: (max: Int, interval: Int)?
            var more: [Int] = []

            init(_ buckets: [Bucket]) {
                switch buckets.count {
                case 1:
                    first = (buckets[0].max, buckets[0].interval)
                case 2:
                    let a = (max: buckets[0].max, interval: buckets[0].interval)
                    let b = (max: buckets[1].max, interval: buckets[1].interval)
                    (first, second) = a <= b ? (a, b) : (b, a)
                default:
                    let sorted = buckets.map { (max: $0.max, interval: $0.interval) }.sorted { $0 < $1 }
                    first = sorted.first ?? (0, 0)
                    second = sorted.count > 1 ? sorted[1] : nil
                    more = sorted.count == 0 ? [-1] : sorted.dropFirst(2).flatMap { [$0.max, $0.interval] }
                }
            }

            static func == (lhs: Shape, rhs: Shape) -> Bool {
                lhs.first == rhs.first && lhs.second?.max == rhs.second?.max
                    && lhs.second?.interval == rhs.second?.interval && lhs.more == rhs.more
            }

            func hash(into hasher: inout Hasher) {
                hasher.combine(first.max)
                hasher.combine(first.interval)
                hasher.combine(second?.max)
                hasher.combine(second?.interval)
                hasher.combine(more)
            }
        }
        // Each set: its first limit and its copies, as indices into `limits`, in the order their first copy comes.
        var sets: [Shape: Int] = [:]
        var groups: [(original: Int, copies: [Int])] = []
        for index in limits.indices {
            let shape = Shape(limits[index].value.buckets)
            guard let group = sets[shape] else {
                sets[shape] = groups.count
                groups.append((index, []))
                continue
            }
            // The same name twice is a duplicate-name error already (limits are in name order, so a name repeated
            // in a set is its original's or its last copy's).
            let name = limits[index].value.name
            guard limits[groups[group].original].value.name != name,
                groups[group].copies.last.map({ limits[$0].value.name }) != name
            else { continue }
            groups[group].copies.append(index)
        }
        let shown = 3
        return groups.compactMap { group -> (Int, Diagnostic)? in
            guard let firstCopy = group.copies.first else { return nil }
            let original = limits[group.original]
            let named = group.copies.prefix(shown).map { "'\(limits[$0].value.name)'" }
            let subject: String
            switch group.copies.count {
            case 1: subject = "limit \(named[0]) has"
            case 2...shown: subject = "limits \(named.dropLast().joined(separator: ", ")) and \(named.last!) have"
            default: subject = "limits \(named.joined(separator: ", ")) and \(group.copies.count - shown) more have"
            }
            var notes: [Diagnostic.Note] = [.init("'\(original.value.name)' is declared here", at: original.location)]
            for copy in group.copies.dropFirst().prefix(shown - 1) {
                notes.append(.init("'\(limits[copy].value.name)' is declared here", at: limits[copy].location))
            }
            let warning = Diagnostic.warning(
                "identical-buckets", "\(subject) the same buckets as '\(original.value.name)'",
                at: limits[firstCopy].location,
                hint: "intended when they key on different things (a phone number, an IP address); if one is a "
                    + "copy of the other, change or remove it",
                notes: notes)
            return (firstCopy, warning)
        }.sorted { $0.0 < $1.0 }.map(\.1)
    }

    /// A name declared twice for one kind of object: an error at the second, pointing at the first.
    static func duplicates(_ names: [(kind: ResourceKind, name: String, location: SourceLocation)]) -> [Diagnostic] {
        struct Key: Hashable {
            var kind: ResourceKind
            var name: String
        }
        var first: [Key: Int] = [:]
        first.reserveCapacity(names.count)
        var found: [Diagnostic] = []
        for (index, declared) in names.enumerated() {
            guard let original = first.updateValue(index, forKey: Key(kind: declared.kind, name: declared.name)) else {
                continue
            }
            first[Key(kind: declared.kind, name: declared.name)] = original
            found.append(
                .error(
                    "duplicate-name", "\(declared.kind.rawValue) '\(declared.name)' is defined twice",
                    at: declared.location, hint: "rename one of them, or remove one",
                    notes: [.init("first defined here", at: names[original].location)]
                )
            )
        }
        return found
    }

    /// Two declarations renaming the same live object would both claim it: an error at each, pointing at the other.
    static func sharedPreviousNames(
        _ declarations: [(previousName: String?, name: String, location: SourceLocation)], kind: ResourceKind
    ) -> [Diagnostic] {
        var byPrevious: [String: [(name: String, location: SourceLocation)]] = [:]
        for declaration in declarations {
            guard let previous = declaration.previousName else { continue }
            byPrevious[previous, default: []].append((declaration.name, declaration.location))
        }
        var found: [Diagnostic] = []
        for (previous, claimants) in byPrevious where claimants.count > 1 {
            for claimant in claimants {
                let others = claimants.filter { $0.location != claimant.location }
                found.append(
                    .error(
                        "duplicate-previous-name",
                        "\(kind.rawValue) '\(claimant.name)' renames '\(previous)', as \(others.count == 1 ? "does" : "do") "
                            + others.map { "'\($0.name)'" }.joined(separator: ", "),
                        at: claimant.location,
                        hint: "one live object can be renamed once; keep previousName on one declaration",
                        notes: others.map { .init("'\($0.name)' also renames '\(previous)' here", at: $0.location) }
                    )
                )
            }
        }
        return found
    }

    /// A diagnostic for a YAML error; one found at the end of the input (an unclosed quote or bracket) is placed
    /// where the unclosed construct starts, with the end as a note.
    static func diagnostic(for error: YAMLError, file: String, bytes: [UInt8]? = nil) -> Diagnostic {
        let size = bytes?.count ?? .max
        let lines = bytes.map {
            String(decoding: $0, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        }
        func line(_ number: Int) -> Substring? {
            guard let lines, number >= 1, number <= lines.count else { return nil }
            return lines[number - 1]
        }
        func indentation(_ number: Int) -> Int { line(number).map { $0.prefix { $0 == " " }.count } ?? 0 }
        let code: String
        switch error.kind {
        case .invalidUTF8, .invalidCharacter: code = "invalid-encoding"
        case .aliasNotAllowed: code = "yaml-alias"
        case .aliasExpansionLimit, .nestingDepthLimit: code = "yaml-limit"
        default: code = "yaml-syntax"
        }
        var mark = error.mark ?? YAMLMark(line: 1, column: 1, offset: 0)
        var message = error.message
        var notes: [Diagnostic.Note] = []
        // An unclosed bracket or quote shows up where the text leaves the construct (a line indented no deeper
        // than where it opened, or the end of the file); point at the opening. Any other error inside a flow
        // collection, such as a missing comma, stays where the parser found it.
        let atEnd = mark.offset >= size - 1
        let leftConstruct =
            error.contextMark.map { context in
                mark.line > context.line && indentation(mark.line) <= indentation(context.line)
            } ?? false
        let unclosed = (error.context.map { $0.contains("flow") || $0.contains("quoted") } ?? false) && leftConstruct
        var hint: String? = nil
        if let context = error.context, context.contains("flow"),
            let start = error.contextMark?.line,
            (start...max(start, mark.line)).contains(where: { line($0)?.contains("${") == true })
        {
            hint = "inside { } or [ ], put a ${…} reference in quotes: max: \"${var.NAME}\""
        }
        if let context = error.context, let contextMark = error.contextMark, unclosed || atEnd {
            let end = mark.offset >= size - 1 ? " (at the end of the file)" : ""
            notes.append(.init("\(message)\(end)", at: location(mark, file)))
            message =
                "\(context.replacingOccurrences(of: "while parsing ", with: "").replacingOccurrences(of: "while scanning ", with: "")) is never closed"
            mark = contextMark
        } else if let context = error.context {
            message += " (\(context))"
        }
        switch error.kind {
        case .aliasNotAllowed:
            hint = "write each object out in full, so a review shows what changes; use ${var.NAME} for shared values"
        case .nestingDepthLimit:
            hint = "policy files nest a few levels deep (limits → limit → buckets → bucket); this is far deeper"
        default: break
        }
        return .error(code, message, at: location(mark, file), hint: hint, notes: notes)
    }

    private static func location(_ mark: YAMLMark, _ file: String) -> SourceLocation {
        SourceLocation(file: file, line: max(mark.line, 1), column: max(mark.column, 1))
    }

    /// The manifest files `paths` name, as `load` would read them, and the paths that do not exist.
    public static func manifestFiles(_ paths: [String], base: BaseDirectory = .current) -> (
        files: [String], missing: [String]
    ) {
        var files: [String] = []
        var missing: [String] = []
        for path in paths {
            switch discover(path, base: base) {
            case .success(let found): files += found
            case .failure: missing.append(path)
            }
        }
        return (files, missing)
    }

    static func discover(_ path: String, base: BaseDirectory) -> Result<[String], Diagnostic> {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: base.resolve(path), isDirectory: &isDirectory) else {
            return .failure(.error("file-unreadable", "\(path): no such file or directory", at: nil))
        }
        guard isDirectory.boolValue else { return .success([path]) }
        guard let enumerator = FileManager.default.enumerator(atPath: base.resolve(path)) else {
            return .failure(.error("file-unreadable", "\(path): cannot list the directory", at: nil))
        }
        var found: [String] = []
        while let relative = enumerator.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            if name.hasPrefix(".") {
                enumerator.skipDescendants()
                continue
            }
            guard name.hasSuffix(".yaml") || name.hasSuffix(".yml"), name != ProjectFile.fileName else { continue }
            let full = path == "." ? relative : (path as NSString).appendingPathComponent(relative)
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: base.resolve(full), isDirectory: &isDir), !isDir.boolValue {
                found.append(full)
            }
        }
        return .success(found.sorted())
    }

    static func read(_ path: String, base: BaseDirectory) -> Result<[UInt8], Diagnostic> {
        let attributes = try? FileManager.default.attributesOfItem(atPath: base.resolve(path))
        if let size = attributes?[.size] as? Int, size > maxFileSize {
            return .failure(
                .error(
                    "file-too-large",
                    "\(path) is \(size / (1 << 20)) MiB; manifests may be at most \(maxFileSize >> 20) MiB",
                    at: SourceLocation(file: path, line: 1, column: 1),
                    hint: "split the policy over several files"
                )
            )
        }
        guard let data = FileManager.default.contents(atPath: base.resolve(path)) else {
            return .failure(.error("file-unreadable", "\(path): cannot read the file", at: nil))
        }
        return .success(Array(data))
    }
}
