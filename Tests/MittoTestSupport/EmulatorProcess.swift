public import Foundation
import Synchronization

/// Where `swift build` put the project's executables: next to the test bundle.
public enum BuiltProducts {
    /// The directory holding the built executables.
    public static var directory: URL {
        if let override = ProcessInfo.processInfo.environment["MITTO_BIN_DIR"] {
            return URL(fileURLWithPath: override)
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    }

    /// The built executable `name`, or an error saying to build first.
    public static func executable(_ name: String) throws -> URL {
        let url = directory.appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw ProcessError("\(url.path) is missing: run `swift build` before the tests (swift test does)")
        }
        return url
    }
}

/// A failure starting or talking to a child process.
public struct ProcessError: Error, CustomStringConvertible {
    /// What went wrong.
    public var description: String

    /// Creates an error.
    public init(_ description: String) { self.description = description }
}

/// A `mitto-emulator` started as a real child process, which tests can kill without warning.
public final class EmulatorProcess: Sendable {
    /// The port it listens on.
    public let port: Int
    /// `http://127.0.0.1:PORT`.
    public var endpoint: URL { URL(string: "http://127.0.0.1:\(port)")! }
    private let process: Process
    private let output: OutputBuffer

    /// Starts `mitto-emulator serve --port 0` with `arguments` and waits until it prints its address.
    public init(arguments: [String], environment: [String: String] = [:]) throws {
        let process = Process()
        process.executableURL = try BuiltProducts.executable("mitto-emulator")
        process.arguments = ["serve", "--port", "0", "--log-level", "warning"] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = stdout
        try process.run()
        let output = OutputBuffer()
        let reader = stdout.fileHandleForReading
        let deadline = Date().addingTimeInterval(30)
        var port: Int?
        while port == nil, Date() < deadline, process.isRunning || !reader.availableData.isEmpty {
            let chunk = reader.availableData
            if chunk.isEmpty {
                Thread.sleep(forTimeInterval: 0.01)
                continue
            }
            let text = output.append(chunk)
            if let range = text.range(of: #"listening on http://127\.0\.0\.1:(\d+)"#, options: .regularExpression) {
                port = Int(text[range].split(separator: ":").last ?? "")
            }
        }
        guard let port else {
            process.terminate()
            throw ProcessError("mitto-emulator did not start: \(output.text)")
        }
        self.port = port
        self.process = process
        self.output = output
        reader.readabilityHandler = { handle in
            let data = handle.availableData
            if !data.isEmpty { output.append(data) }
        }
    }

    /// Everything the process printed so far.
    public var printed: String { output.text }

    /// Kills the process with SIGKILL: no shutdown, no flush.
    public func kill() {
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Asks the process to stop with `signal` and waits; returns its exit status.
    @discardableResult
    public func stop(signal: Int32 = SIGTERM) -> Int32 {
        if process.isRunning { Foundation.kill(process.processIdentifier, signal) }
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit {
        if process.isRunning {
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

/// A fresh directory under the system's temporary folder, removed after `body`.
public func withTemporaryDirectory<Result>(_ body: (URL) async throws -> Result) async throws -> Result {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("mitto-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try await body(url)
}

/// Text a child process printed, appended from a reader thread and read by the test.
final class OutputBuffer: Sendable {
    private let buffer = Mutex("")

    /// Appends `data` and returns everything so far.
    @discardableResult
    func append(_ data: Data) -> String {
        buffer.withLock { text in
            text += String(decoding: data, as: UTF8.self)
            return text
        }
    }

    /// Everything so far.
    var text: String { buffer.withLock { $0 } }
}
