import Foundation
import PolicyManifest
import PolicyModel

/// What a command works on: the project file if there is one, the manifest paths, and the chosen environment.
///
/// The project file is `--project`, or `mitto-policy.yaml` in a single folder given as the argument, or in the
/// current folder. Without one, the manifests are the paths given, or the YAML under the current folder.
struct Workspace {
    var project: ProjectFile?
    var projectPath: String?
    var projectSource: String?
    var manifestPaths: [String]
    var environment: EnvironmentSettings
    var diagnostics: [Diagnostic]

    static func resolve(paths: [String], options: GlobalOptions) -> Workspace {
        let fileManager = FileManager.default
        var projectPath = options.project
        var isDirectory: ObjCBool = false
        if projectPath == nil, paths.count == 1, fileManager.fileExists(atPath: paths[0], isDirectory: &isDirectory),
            isDirectory.boolValue
        {
            let candidate = (paths[0] as NSString).appendingPathComponent(ProjectFile.fileName)
            if fileManager.fileExists(atPath: candidate) { projectPath = candidate }
        }
        if projectPath == nil, paths.isEmpty, fileManager.fileExists(atPath: ProjectFile.fileName) {
            projectPath = ProjectFile.fileName
        }
        let environmentName = options.env ?? ProjectFile.localEnvironment
        guard let projectPath else {
            var diagnostics: [Diagnostic] = []
            if environmentName != ProjectFile.localEnvironment {
                diagnostics.append(
                    .error(
                        "unknown-environment",
                        "--env \(environmentName) needs a project file (\(ProjectFile.fileName)) that defines it",
                        at: nil
                    )
                )
            }
            return Workspace(
                project: nil, projectPath: nil, projectSource: nil, manifestPaths: paths.isEmpty ? ["."] : paths,
                environment: EnvironmentSettings(name: ProjectFile.localEnvironment), diagnostics: diagnostics
            )
        }
        let (project, diagnostics, source) = ProjectFile.load(path: projectPath)
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
        return Workspace(
            project: project, projectPath: projectPath, projectSource: source,
            manifestPaths: project?.manifestPaths ?? [], environment: environment,
            diagnostics: all
        )
    }

    /// Where manifests find `${var.NAME}`: the environment's variables, reading the process environment now.
    var scope: VariableScope {
        VariableScope(environment, processEnvironment: ProcessInfo.processInfo.environment)
    }

    /// Loads the manifests; the project file's own problems come first, and stop loading when they are errors.
    func loadManifests() -> LoadedManifests {
        guard !diagnostics.hasErrors else {
            return LoadedManifests(manifests: ManifestSet(), diagnostics: diagnostics, sources: projectSources)
        }
        var loaded = ManifestLoader.load(paths: manifestPaths, scope: scope)
        loaded.diagnostics = diagnostics + loaded.diagnostics
        loaded.sources.merge(projectSources) { current, _ in current }
        return loaded
    }

    private var projectSources: [String: String] {
        guard let projectPath, let projectSource else { return [:] }
        return [projectPath: projectSource]
    }
}
