import Foundation
import PolicyManifest
import PolicyModel
import PolicyRendering

/// What a command works on: the project file if there is one, the manifest paths, and the chosen environment.
///
/// The project file is `--project`, or `mitto-policy.yaml` in a single folder given as the argument, or in the
/// current folder. Paths given on the command line are what is read: `validate` reads any of them (with the project's
/// variables), and the commands that talk to an account accept them only when they name the project's own manifests,
/// because planning part of a project would show the rest as unmanaged (or delete it). Without a project file, the
/// manifests are the paths given, or the YAML under the current folder.
struct Workspace {
    /// How command-line paths relate to the project's manifests.
    enum PathRule {
        /// Any paths may be given (`validate`).
        case anyPaths
        /// Paths given must be the project's manifests (`plan`, `apply`, `drift`).
        case projectManifestsOnly
    }

    var project: ProjectFile?
    var projectPath: String?
    var projectSource: String?
    var manifestPaths: [String]
    var environment: EnvironmentSettings
    /// Problems of the project file, the environment or the paths: not the manifests' own.
    var diagnostics: [Diagnostic]
    /// Where the paths start, and the environment's variables `${env:…}` reads: the console's.
    var console: Console

    static func resolve(
        paths: [String], options: GlobalOptions, console: Console, rule: PathRule = .projectManifestsOnly
    ) -> Workspace {
        let fileManager = FileManager.default
        var projectPath = options.project
        var paths = paths
        var isDirectory: ObjCBool = false
        if projectPath == nil, paths.count == 1,
            fileManager.fileExists(atPath: console.path(paths[0]), isDirectory: &isDirectory), isDirectory.boolValue
        {
            let candidate = (paths[0] as NSString).appendingPathComponent(ProjectFile.fileName)
            if fileManager.fileExists(atPath: console.path(candidate)) {
                // The folder of a project stands for the project: its manifests are what is read.
                projectPath = candidate
                paths = []
            }
        }
        if projectPath == nil, fileManager.fileExists(atPath: console.path(ProjectFile.fileName)) {
            projectPath = ProjectFile.fileName
        }
        let environmentName = options.env ?? ProjectFile.localEnvironment
        guard let projectPath else {
            var diagnostics: [Diagnostic] = []
            if environmentName != ProjectFile.localEnvironment {
                diagnostics.append(
                    .error(
                        "unknown-environment",
                        "--env \(environmentName) needs a project file (\(ProjectFile.fileName)) that defines it, "
                            + "and there is none in the current folder",
                        at: nil, hint: "pass --project FILE, or run in the folder that holds \(ProjectFile.fileName)"
                    )
                )
            }
            return Workspace(
                project: nil, projectPath: nil, projectSource: nil, manifestPaths: paths.isEmpty ? ["."] : paths,
                environment: EnvironmentSettings(name: ProjectFile.localEnvironment), diagnostics: diagnostics,
                console: console
            )
        }
        guard fileManager.fileExists(atPath: console.path(projectPath)) else {
            return Workspace(
                project: nil, projectPath: nil, projectSource: nil, manifestPaths: paths,
                environment: EnvironmentSettings(name: environmentName),
                diagnostics: [.error("file-unreadable", "project file \(projectPath): no such file", at: nil)],
                console: console
            )
        }
        let (project, diagnostics, source) = ProjectFile.load(path: projectPath, base: console.directory)
        var all = diagnostics
        var environment = EnvironmentSettings(name: environmentName)
        if let project {
            if let found = project.environment(environmentName) {
                environment = found
            } else if environmentName != ProjectFile.localEnvironment {
                let known = project.environments.map(\.name).joined(separator: ", ")
                all.append(
                    .error(
                        "unknown-environment", "environment '\(environmentName)' is not defined in \(projectPath)",
                        at: nil, hint: known.isEmpty ? nil : "defined: \(known)"
                    )
                )
            }
        }
        var manifestPaths = project?.manifestPaths ?? []
        if !paths.isEmpty {
            if rule == .projectManifestsOnly, let project,
                !sameFiles(paths, project.manifestPaths, base: console.directory)
            {
                all.append(
                    .error(
                        "paths-not-project",
                        "\(paths.joined(separator: " ")) \(paths.count == 1 ? "is" : "are") not the manifests of "
                            + "\(projectPath), which reads \(project.manifestPaths.joined(separator: ", "))",
                        at: nil,
                        hint: "run without paths to use the project's manifests, or change manifests: in \(projectPath)"
                    )
                )
            }
            manifestPaths = paths
        }
        return Workspace(
            project: project, projectPath: projectPath, projectSource: source, manifestPaths: manifestPaths,
            environment: environment, diagnostics: all, console: console
        )
    }

    /// Whether two path lists name the same manifest files (paths that do not exist never match).
    private static func sameFiles(_ left: [String], _ right: [String], base: BaseDirectory) -> Bool {
        func files(_ paths: [String]) -> Set<String>? {
            let found = ManifestLoader.manifestFiles(paths, base: base)
            guard found.missing.isEmpty else { return nil }
            return Set(found.files.map { URL(fileURLWithPath: base.resolve($0)).standardizedFileURL.path })
        }
        guard let left = files(left), let right = files(right) else { return false }
        return left == right
    }

    /// Where manifests find `${var.NAME}`: the environment's variables, reading the console's environment.
    var scope: VariableScope {
        VariableScope(environment, processEnvironment: console.environment)
    }

    /// Loads the manifests; the project file's own problems come first, and stop loading when they are errors.
    func loadManifests() -> LoadedManifests {
        guard !diagnostics.hasErrors else {
            return LoadedManifests(manifests: ManifestSet(), diagnostics: diagnostics, sources: projectSources)
        }
        var loaded = ManifestLoader.load(
            paths: manifestPaths, testPaths: project?.testPaths ?? [], scope: scope, base: console.directory)
        if loaded.manifests.files.isEmpty && !loaded.diagnostics.hasErrors {
            let places = manifestPaths.map { $0 == "." ? "the current folder" : $0 }.joined(separator: ", ")
            loaded.diagnostics.append(
                .error(
                    "no-manifests", "no manifests found in \(places) (looked for *.yaml and *.yml files)",
                    at: nil, hint: "name the manifest files or folders, or run where they are"
                )
            )
        }
        loaded.diagnostics = diagnostics + loaded.diagnostics
        loaded.sources.merge(projectSources) { _, masked in masked }
        return loaded
    }

    /// Fails when the project file, the environment or the paths are wrong, before any manifest is read: located
    /// problems (in the project file) are shown as a compiler would, the others as one line each.
    func requireUsable(noColor: Bool) throws {
        let errors = diagnostics.filter { $0.severity == .error }
        guard !errors.isEmpty else { return }
        let located = errors.filter { $0.location != nil }
        if !located.isEmpty {
            let style = console.errorStyle(noColor: noColor)
            console.error(
                DiagnosticTextRenderer(style: style).render(located.sortedByLocation, sources: projectSources))
        }
        for error in errors where error.location == nil {
            console.error("mitto-policy: error: \(error.message)\n" + (error.hint.map { "  hint: \($0)\n" } ?? ""))
        }
        guard located.isEmpty else {
            let file = projectPath ?? ProjectFile.fileName
            throw CommandFailure(
                "the project file \(file) has \(located.count) error\(located.count == 1 ? "" : "s"); "
                    + "nothing was sent to the API")
        }
        throw CommandFailure.exit(1)
    }

    private var projectSources: [String: String] {
        guard let projectPath, let projectSource else { return [:] }
        return [projectPath: projectSource]
    }
}
