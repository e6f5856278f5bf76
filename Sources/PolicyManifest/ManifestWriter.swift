public import PolicyModel
public import YAMLNodes

/// Writes limits and workflows as manifests, the way a person would write them, so that `export` can hand live
/// objects over to a policy in git.
///
/// The output reads back through ``ManifestLoader`` as exactly the objects written, with one exception the format
/// cannot express: text containing `${var.NAME}` or `${env:NAME}` is filled in again when the manifest is loaded.
public enum ManifestWriter {
    /// The comment `export` puts at the top of every file it writes.
    public static let exportHeader = "Exported by mitto-policy export. Review, then commit."

    /// A manifest document: `limits:` then `workflows:`, a section left out when it has no objects, objects sorted
    /// by name, keys in the order docs/manifests.md lists them, durations as `10m` or `1d`.
    ///
    /// Workflow numbers equal to the API's defaults are still written: an adopted policy should say what it means.
    public static func document(limits: [Limit], workflows: [Workflow]) -> YAMLNode {
        var sections: [(key: YAMLNode, value: YAMLNode)] = []
        if !limits.isEmpty {
            let objects = limits.sorted { $0.name < $1.name }.map { (key: YAMLNode(string: $0.name), value: node($0)) }
            sections.append((key: "limits", value: YAMLNode(mapping: objects)))
        }
        if !workflows.isEmpty {
            let objects = workflows.sorted { $0.name < $1.name }.map {
                (key: YAMLNode(string: $0.name), value: node($0))
            }
            sections.append((key: "workflows", value: YAMLNode(mapping: objects)))
        }
        return YAMLNode(mapping: sections)
    }

    /// The manifest's YAML text, after `header` as a comment block (each of its lines behind `# `).
    ///
    /// An editor's schema line belongs in `header`: `yaml-language-server: $schema=../schemas/manifest.schema.json`.
    public static func text(limits: [Limit], workflows: [Workflow], header: String?) -> String {
        // Written object by object: the tree of a whole large account is never built.
        var sections: [YAMLEmitter.Section] = []
        if !limits.isEmpty {
            let sorted = limits.sorted { $0.name < $1.name }
            sections.append(
                .init(key: "limits", count: sorted.count) { (YAMLNode(string: sorted[$0].name), node(sorted[$0])) })
        }
        if !workflows.isEmpty {
            let sorted = workflows.sorted { $0.name < $1.name }
            sections.append(
                .init(key: "workflows", count: sorted.count) { (YAMLNode(string: sorted[$0].name), node(sorted[$0])) })
        }
        let yaml: String
        do {
            yaml = try YAMLEmitter().emit(sections: sections)
        } catch {
            // The tree holds only untagged strings, integers, mappings and sequences, which libyaml always writes;
            // failing here means the emitter is broken or out of memory, not that the objects are wrong.
            preconditionFailure("cannot write a manifest: \(error)")
        }
        guard let header else { return yaml }
        return comment(header) + yaml
    }

    /// The files `export --out DIR` writes: `limits.yaml` and `workflows.yaml`, each only when it has objects,
    /// each starting with ``exportHeader``.
    public static func files(limits: [Limit], workflows: [Workflow]) -> [(name: String, text: String)] {
        var files: [(name: String, text: String)] = []
        if !limits.isEmpty {
            files.append((name: "limits.yaml", text: text(limits: limits, workflows: [], header: exportHeader)))
        }
        if !workflows.isEmpty {
            files.append((name: "workflows.yaml", text: text(limits: [], workflows: workflows, header: exportHeader)))
        }
        return files
    }

    // MARK: Objects

    private static func node(_ limit: Limit) -> YAMLNode {
        var fields: [(key: YAMLNode, value: YAMLNode)] = []
        if let description = limit.description {
            fields.append((key: "description", value: YAMLNode(string: description)))
        }
        let buckets = limit.buckets.map { bucket in
            YAMLNode(mapping: [
                (key: "name", value: YAMLNode(string: bucket.name)),
                (key: "max", value: YAMLNode(int: bucket.max)),
                (key: "interval", value: duration(bucket.interval)),
            ])
        }
        fields.append((key: "buckets", value: YAMLNode(sequence: buckets)))
        return YAMLNode(mapping: fields)
    }

    private static func node(_ workflow: Workflow) -> YAMLNode {
        var fields: [(key: YAMLNode, value: YAMLNode)] = []
        if let description = workflow.description {
            fields.append((key: "description", value: YAMLNode(string: description)))
        }
        fields += [
            (key: "codeLength", value: YAMLNode(int: workflow.codeLength)),
            (key: "codeTtl", value: duration(workflow.codeTtl)),
            (key: "maxAttempts", value: YAMLNode(int: workflow.maxAttempts)),
            (key: "steps", value: YAMLNode(sequence: workflow.steps.map(node))),
        ]
        return YAMLNode(mapping: fields)
    }

    private static func node(_ step: Step) -> YAMLNode {
        var fields: [(key: YAMLNode, value: YAMLNode)] = [
            (key: "channel", value: YAMLNode(string: step.channel.rawValue)),
            (key: "timeout", value: duration(step.timeout)),
            (key: "body", value: YAMLNode(string: step.body)),
        ]
        let optional: [(key: String, value: YAMLNode?)] = [
            ("from", step.from.map(YAMLNode.init(string:))),
            ("language", step.language.map(YAMLNode.init(string:))),
            ("voice", step.voice.map { YAMLNode(string: $0.rawValue) }),
            ("repeat", step.repeat.map(YAMLNode.init(int:))),
            ("emailFrom", step.emailFrom.map(YAMLNode.init(string:))),
            ("subject", step.subject.map(YAMLNode.init(string:))),
        ]
        for (key, value) in optional {
            if let value { fields.append((key: YAMLNode(string: key), value: value)) }
        }
        return YAMLNode(mapping: fields)
    }

    // MARK: Values

    /// `10m`, `1d`, `1m30s`; whole seconds for a value the unit form cannot say (a negative one, which the
    /// loader then reports instead of misreading).
    private static func duration(_ seconds: Int) -> YAMLNode {
        let text = DurationText.format(seconds)
        return DurationText.seconds(text) == seconds ? YAMLNode(string: text) : YAMLNode(int: seconds)
    }

    /// `text` as YAML comment lines; blank lines become a bare `#` so no line ends in a space.
    private static func comment(_ text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if text.hasSuffix("\n") { lines.removeLast() }
        return lines.map { $0.isEmpty ? "#\n" : "# \($0)\n" }.joined()
    }
}
