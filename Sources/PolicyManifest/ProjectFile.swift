import Foundation
public import PolicyModel
import YAMLNodes

/// Where an environment's API key comes from: never the project file itself.
public enum SecretSource: Hashable, Sendable {
    /// A process environment variable.
    case environmentVariable(String)
    /// A file readable by its owner only.
    case file(String)
}

/// One target account of a project.
public struct EnvironmentSettings: Hashable, Sendable {
    /// The environment's name.
    public var name: String
    /// The API's root URL; nil for `local`.
    public var endpoint: String?
    /// The account sid, or a `${env:NAME}` reference resolved when the environment is used.
    public var accountSid: String?
    /// Where the key comes from; nil for `local`.
    public var apiKey: SecretSource?
    /// The sub-account acted on.
    public var subAccount: String?
    /// Values for `${var.NAME}` in manifests; `${env:NAME}` ones are read when the environment is used.
    public var variables: [String: VariableValue]
    /// Where the environment is defined.
    public var location: SourceLocation?

    /// Creates settings.
    public init(
        name: String, endpoint: String? = nil, accountSid: String? = nil, apiKey: SecretSource? = nil,
        subAccount: String? = nil, variables: [String: VariableValue] = [:], location: SourceLocation? = nil
    ) {
        self.name = name
        self.endpoint = endpoint
        self.accountSid = accountSid
        self.apiKey = apiKey
        self.subAccount = subAccount
        self.variables = variables
        self.location = location
    }
}

/// The project file `mitto-policy.yaml`.
public struct ProjectFile: Hashable, Sendable {
    /// The file's name, looked for in the current directory.
    public static let fileName = "mitto-policy.yaml"
    /// The environment that is the embedded emulator.
    public static let localEnvironment = "local"

    /// Where the file is.
    public var path: String
    /// Manifest paths, relative to the file's directory.
    public var manifests: [String] = ["."]
    /// Files or directories holding only policy tests (`tests:`), relative to the project file.
    public var tests: [String] = []
    /// The environments, in file order.
    public var environments: [EnvironmentSettings] = []
    /// Safety settings.
    public var safety = SafetySettings()
    /// Ignore patterns.
    public var ignore = IgnoreRules()

    /// Creates a project with defaults.
    public init(path: String) {
        self.path = path
    }

    /// The directory the manifest paths are relative to.
    public var directory: String { (path as NSString).deletingLastPathComponent }

    /// The manifest paths as given to the loader.
    public var manifestPaths: [String] { manifests.map(relative) }

    /// The test paths as given to the loader.
    public var testPaths: [String] { tests.map(relative) }

    private func relative(_ path: String) -> String {
        path.hasPrefix("/") || directory.isEmpty ? path : (directory as NSString).appendingPathComponent(path)
    }

    /// The environment called `name`.
    public func environment(_ name: String) -> EnvironmentSettings? {
        environments.first { $0.name == name }
    }

    /// Reads and checks the project file at `path`; `source` is its text for showing under diagnostics, with
    /// secrets masked (``maskedSource(_:)``). A relative `path` starts at `base`.
    public static func load(path: String, base: BaseDirectory = .current) -> (
        ProjectFile?, [Diagnostic], source: String
    ) {
        guard let data = FileManager.default.contents(atPath: base.resolve(path)) else {
            return (nil, [.error("file-unreadable", "\(path): cannot read the project file", at: nil)], "")
        }
        let (project, diagnostics) = decode(Array(data), path: path)
        return (project, diagnostics, maskedSource(Array(data)))
    }

    /// Checks a project file's text; the pure core of `load`.
    public static func decode(_ bytes: [UInt8], path: String) -> (ProjectFile?, [Diagnostic]) {
        let documents: [YAMLDocument]
        do {
            documents = try YAMLParser.parse(bytes, fileName: path, limits: ManifestLoader.parserLimits)
        } catch {
            return (nil, [ManifestLoader.diagnostic(for: error, file: path, bytes: bytes)])
        }
        var decoder = ProjectFileDecoder(file: path)
        let project = decoder.decode(documents)
        let diagnostics = decoder.reader.diagnostics.sortedByLocation
        return (diagnostics.hasErrors ? nil : project, diagnostics)
    }
}
