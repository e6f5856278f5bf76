public import Foundation

/// What a finished command printed and how it exited.
public struct CommandResult: Sendable {
    /// The exit status.
    public var status: Int32
    /// Standard output.
    public var stdout: String
    /// Standard error.
    public var stderr: String

    /// A result of these parts.
    public init(status: Int32, stdout: String, stderr: String) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }
}

/// Runs a built executable of this package as a real process.
public enum CommandRunner {
    /// The package's root folder, where relative paths in test fixtures start.
    public static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../..").standardizedFileURL

    /// Runs `executable` with `arguments` in `directory` (the package root by default) and waits for it.
    ///
    /// The environment is this process's without colour settings, plus `environment`; standard input is empty.
    public static func run(
        _ arguments: [String], executable: String = "mitto-policy", in directory: URL? = nil,
        environment: [String: String] = [:], input: String? = nil
    ) throws -> CommandResult {
        try start(
            arguments, executable: try BuiltProducts.executable(executable), in: directory, environment: environment,
            input: input
        ).wait()
    }

    /// Starts `executable` as `run` does, without waiting, so a test can act while it runs (send it a signal).
    public static func start(
        _ arguments: [String], executable: URL, in directory: URL? = nil, environment: [String: String] = [:],
        input: String? = nil
    ) throws -> RunningCommand {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory ?? packageRoot
        var merged = ProcessInfo.processInfo.environment
        merged["NO_COLOR"] = nil
        merged["TERM"] = "dumb"
        process.environment = merged.merging(environment) { $1 }
        let stdout = Pipe()
        let stderr = Pipe()
        let stdin = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        return RunningCommand(process: process, stdout: stdout, stderr: stderr)
    }
}

/// A started process whose output is collected until it ends.
public final class RunningCommand {
    /// The process.
    public let process: Process
    private let output = LockedValue(Data())
    private let errors = LockedValue(Data())
    private let readers = DispatchGroup()

    init(process: Process, stdout: Pipe, stderr: Pipe) {
        self.process = process
        for (pipe, sink) in [(stdout, output), (stderr, errors)] {
            readers.enter()
            DispatchQueue.global().async { [readers] in
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                sink.withLock { $0 = data }
                readers.leave()
            }
        }
    }

    /// Sends `signal` to the process.
    public func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits for the process to end and returns what it printed.
    public func wait() -> CommandResult {
        readers.wait()
        process.waitUntilExit()
        return CommandResult(
            status: process.terminationStatus, stdout: String(decoding: output.value, as: UTF8.self),
            stderr: String(decoding: errors.value, as: UTF8.self)
        )
    }
}

/// Output files checked in under a test target's `Golden/` folder and compared byte for byte; run the tests with
/// `RECORD_GOLDEN=1` to write them anew after an intended change.
public struct GoldenFiles: Sendable {
    /// The folder holding the files.
    public let directory: URL

    /// The golden folder next to the test file that calls this.
    public init(_ filePath: String = #filePath) {
        directory = URL(fileURLWithPath: filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    }

    /// Whether this run records instead of comparing.
    public static var isRecording: Bool { ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" }

    /// The expected text for `name`, after writing `actual` there when recording; nil when the file is missing.
    public func expected(_ name: String, actual: String) throws -> String? {
        let url = directory.appendingPathComponent(name)
        if Self.isRecording {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try actual.write(to: url, atomically: true, encoding: .utf8)
        }
        return try? String(contentsOf: url, encoding: .utf8)
    }
}
