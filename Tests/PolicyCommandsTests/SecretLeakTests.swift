import Foundation
import MittoTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Every command and error path of `mitto-policy`, run against a `mitto-emulator` process with a distinctive API key,
/// and OTP codes sent and verified through that emulator: neither may show anywhere but the emulator's outbox.
@Suite("No secret leaks: the API key and OTP codes appear in no output, file, log, record or callback")
struct SecretLeakTests {
    static let accountSid = TestAccounts.acme.sid
    static let apiKey = "ZQXK-distinctive-key-7Hq2Vb9LmN4pR8sT"
    static let wrongKey = "ZQXK-distinctive-wrong-key-3Fd6Jk1Wz5"
    /// Custom codes for real sends, and a wrong guess; none looks like a timestamp or a count.
    static let codes = ["8630495127", "5093862741"]
    static let wrongCode = "4418096352"

    /// Every form a secret could leak in: as written, and the key inside a Basic `Authorization` header.
    static var secrets: [(name: String, text: String)] {
        let basic = { (key: String) in Data("\(accountSid):\(key)".utf8).base64EncodedString() }
        return [
            ("the API key", apiKey), ("the API key in Basic auth", basic(apiKey)), ("the wrong key", wrongKey),
            ("the wrong key in Basic auth", basic(wrongKey)), ("an OTP code", codes[0]), ("an OTP code", codes[1]),
            ("a guessed code", wrongCode),
        ]
    }

    static let policy = """
        limits:
          limit_on_phone:
            description: Caps OTPs per phone number
            buckets:
              - {name: burst, max: 3, interval: 10m}
        workflows:
          login:
            codeLength: 10
            steps:
              - {channel: sms, from: ACME, body: "Your ACME code is {code}", timeout: 60s}
              - {channel: call, from: "+41445550000", body: "Your code is {code}", language: en-US, timeout: 2m}
        """

    /// A project folder `name` under `root` whose environment `test` points at `port`.
    static func project(
        _ name: String, in root: URL, port: Int, apiKey: String = "${env:LEAK_API_KEY}", variables: String = "{}",
        policy: String = policy
    ) throws -> URL {
        let directory = root.appendingPathComponent(name)
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("policy"), withIntermediateDirectories: true)
        let project = """
            manifests: [policy]
            environments:
              test:
                endpoint: http://127.0.0.1:\(port)
                accountSid: ${env:LEAK_ACCOUNT_SID}
                apiKey: \(apiKey)
                variables: \(variables)
            """
        try project.write(to: directory.appendingPathComponent("mitto-policy.yaml"), atomically: true, encoding: .utf8)
        try policy.write(to: directory.appendingPathComponent("policy/policy.yaml"), atomically: true, encoding: .utf8)
        return directory
    }

    @Test("every command and error path, and real sends, verifies, records and callbacks")
    func noLeaks() async throws {
        try await withTemporaryDirectory { root in
            let receiver = try CallbackReceiver()
            defer { receiver.stop() }
            let deliveryLog = root.appendingPathComponent("delivery.jsonl")
            let emulator = try EmulatorProcess(
                arguments: [
                    "--in-memory", "--account-sid", Self.accountSid, "--log-level", "trace", "--delivery-log",
                    deliveryLog.path,
                ],
                environment: ["MITTO_API_KEY": Self.apiKey]
            )
            let port = emulator.port
            var seen: [(place: String, text: String)] = []
            let environment = ["LEAK_ACCOUNT_SID": Self.accountSid, "LEAK_API_KEY": Self.apiKey]
            func run(_ arguments: [String], in directory: URL, environment: [String: String] = environment) throws
                -> CommandResult
            {
                let result = try CommandRunner.run(arguments, in: directory, environment: environment)
                let command = "mitto-policy \(arguments.joined(separator: " ")) in \(directory.lastPathComponent)"
                seen += [("stdout of \(command)", result.stdout), ("stderr of \(command)", result.stderr)]
                return result
            }

            // The commands, as a user and CI run them.
            let main = try Self.project("main", in: root, port: port)
            #expect(try run(["validate"], in: main).status == 0)
            #expect(try run(["validate", "--format", "json"], in: main).status == 0)
            #expect(try run(["plan", "--env", "test", "--detailed-exitcode"], in: main).status == 2)
            #expect(try run(["plan", "--env", "test", "-out", "saved.plan"], in: main).status == 0)
            #expect(try run(["plan", "--env", "test", "--format", "json"], in: main).status == 0)
            let markdown = try run(["plan", "--env", "test", "--format", "markdown"], in: main)
            #expect(markdown.status == 0 && markdown.stdout.contains("limit_on_phone"))
            let applied = try run(["apply", "saved.plan"], in: main)
            #expect(applied.status == 0, "\(applied.stderr)")
            for format in ["text", "json", "markdown"] {
                #expect(try run(["drift", "--env", "test", "--format", format], in: main).status == 0)
            }
            #expect(try run(["export", "--env", "test", "--out", "exported"], in: main).status == 0)
            try Self.policy.replacingOccurrences(of: "max: 3", with: "max: 4").write(
                to: main.appendingPathComponent("policy/policy.yaml"), atomically: true, encoding: .utf8)
            let changed = try run(["apply", "--env", "test", "--auto-approve"], in: main)
            #expect(changed.status == 0 && changed.stdout.contains("buckets[burst].max: 3 → 4"), "\(changed.stdout)")

            // Real sends with custom codes, a wrong guess and the right ones, the records and the callbacks.
            let raw = RawHTTP(endpoint: emulator.endpoint, account: TestAccounts.acme.withKey(Self.apiKey))
            let callback = "http://127.0.0.1:\(receiver.port)/cb"
            let sends = [
                #"{"workflow":"login","to":"+41790000001","limits":{"limit_on_phone":"+41790000001"},"#
                    + #""code":"\#(Self.codes[0])","callbackUrl":"\#(callback)","callbackMethod":"POST"}"#,
                #"{"service":"acme","from":"ACME","to":"+41790000002","body":"Code {code}","#
                    + #""code":"\#(Self.codes[1])","callbackUrl":"\#(callback)","callbackMethod":"GET"}"#,
            ]
            var requestIDs: [String] = []
            for body in sends {
                let sent = try await raw.send("POST", "/2fa/send", body: body)
                #expect(sent.status == 200, "\(sent.body)")
                seen.append(("the answer to POST /2fa/send", sent.body))
                requestIDs.append(try #require(sent.json["requestID"] as? String))
            }
            let guesses = [
                (requestIDs[0], Self.wrongCode), (requestIDs[0], Self.codes[0]), (requestIDs[1], Self.codes[1]),
            ]
            var verifyStatuses: [Int] = []
            for (requestID, code) in guesses {
                let verify = try await raw.send(
                    "POST", "/2fa/verify", body: #"{"requestID":"\#(requestID)","code":"\#(code)"}"#)
                verifyStatuses.append(verify.status)
                seen.append(("the answer to POST /2fa/verify", verify.body))
            }
            #expect(verifyStatuses == [400, 200, 200])
            let outbox = try await raw.send("GET", "/_emulator/outbox")
            #expect(Self.codes.allSatisfy { outbox.body.contains($0) }, "the codes were never sent: \(outbox.body)")
            let reads: [(String, String, String?)] = [
                ("GET", "/2fa/search", nil), ("GET", "/2fa/search/\(requestIDs[0])", nil),
                ("POST", "/2fa/search", #"{"requestID":"\#(requestIDs[1])"}"#), ("GET", "/2fa/usage/records", nil),
            ]
            for (method, path, body) in reads {
                let answer = try await raw.send(method, path, body: body)
                #expect(answer.status == 200, "\(method) \(path): \(answer.body)")
                seen.append(("the answer to \(method) \(path)", answer.body))
            }
            for _ in 0..<200 where receiver.requests.count < 4 { try await Task.sleep(for: .milliseconds(25)) }
            #expect(receiver.requests.count >= 4, "callbacks received: \(receiver.requests.count)")
            #expect(try run(["drift", "--env", "test"], in: main).status == 0)

            // The error paths.
            let wrong = ["LEAK_ACCOUNT_SID": Self.accountSid, "LEAK_API_KEY": Self.wrongKey]
            let unauthorized = try run(["plan", "--env", "test"], in: main, environment: wrong)
            #expect(unauthorized.status == 1)
            #expect(unauthorized.stderr.contains("401"), "\(unauthorized.stderr)")
            let wrongKeyCommands = [
                ["apply", "--env", "test", "--auto-approve"], ["drift", "--env", "test"], ["export", "--env", "test"],
                ["apply", "saved.plan"],
            ]
            for command in wrongKeyCommands {
                #expect(try run(command, in: main, environment: wrong).status == 1)
            }
            #expect(try run(["plan", "--env", "nope"], in: main).status == 1)
            #expect(try run(["plan", "--env", "test"], in: main, environment: [:]).status == 1)
            let broken = try Self.project(
                "broken", in: root, port: port, policy: Self.policy.replacingOccurrences(of: "max: 3", with: "max: 0"))
            #expect(try run(["validate"], in: broken).status == 1)
            #expect(try run(["plan", "--env", "test"], in: broken).status == 1)
            let literal = try Self.project("literal", in: root, port: port, apiKey: Self.apiKey)
            for command in [["validate"], ["plan", "--env", "test"], ["apply", "--env", "test", "--auto-approve"]] {
                let refused = try run(command, in: literal)
                #expect(refused.status == 1)
                #expect(refused.stdout.contains("[secret-in-file]") || refused.stderr.contains("[secret-in-file]"))
                #expect((refused.stdout + refused.stderr).contains("apiKey: " + String(repeating: "*", count: 8)))
            }
            let leakingPolicy = Self.policy.replacingOccurrences(
                of: "Caps OTPs per phone number", with: "${env:LEAK_API_KEY}")
            let envInManifest = try Self.project("env-in-manifest", in: root, port: port, policy: leakingPolicy)
            let variable = try Self.project(
                "variable-reads-key", in: root, port: port, variables: #"{note: "${env:LEAK_API_KEY}"}"#,
                policy: Self.policy.replacingOccurrences(of: "Caps OTPs per phone number", with: "${var.note}"))
            for (directory, code) in [(envInManifest, "[env-in-manifest]"), (variable, "[reads-api-key]")] {
                for command in [
                    ["validate"], ["plan", "--env", "test", "--format", "markdown"],
                    ["apply", "--env", "test", "--auto-approve"],
                ] {
                    let refused = try run(command, in: directory)
                    #expect(refused.status == 1)
                    #expect((refused.stdout + refused.stderr).contains(code), "\(refused.stdout)\(refused.stderr)")
                }
            }
            let limits = try await raw.send("GET", "/2fa/limits/search")
            seen.append(("the account's limits", limits.body))

            emulator.stop()
            receiver.stop()
            seen.append(("the emulator's log, stdout and stderr", emulator.printed))
            #expect(emulator.printed.contains("POST /2fa/send"), "the emulator logged no requests: \(emulator.printed)")
            seen += receiver.requests.map { ("a callback request", $0) }
            seen += Self.files(under: root).filter { $0.place != deliveryLog.path }
            let leaks = Self.leaks(in: seen)
            #expect(leaks.isEmpty, "\(leaks.joined(separator: "\n"))")
            let deliveryLogText = (try? String(contentsOf: deliveryLog, encoding: .utf8)) ?? ""
            #expect(!deliveryLogText.isEmpty)
            let deliveryLeaks = Self.leaks(in: [("the delivery log", deliveryLogText)])
            #expect(deliveryLeaks.isEmpty, "\(deliveryLeaks.joined(separator: "\n"))")
        }
    }

    /// Every file under `root`, as text: saved plans, exported manifests, state.
    static func files(under root: URL) -> [(place: String, text: String)] {
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
        var found: [(place: String, text: String)] = []
        while let url = enumerator?.nextObject() as? URL {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true,
                let data = FileManager.default.contents(atPath: url.path)
            else { continue }
            found.append((url.path, String(decoding: data, as: UTF8.self)))
        }
        return found
    }

    /// `place: secret` for every secret found; the project files that hold a key on purpose are tested elsewhere.
    static func leaks(in seen: [(place: String, text: String)]) -> [String] {
        seen.flatMap { place, text in
            secrets.filter { text.contains($0.text) }.map { "\(place) shows \($0.name)" }
        }
        .filter { !$0.hasSuffix("literal/mitto-policy.yaml shows the API key") }
    }
}

/// A loopback HTTP server that records every request it gets, raw, and answers 200: where the emulator's callbacks
/// go.
final class CallbackReceiver: Sendable {
    let port: Int
    private let socket: Int32
    private let received = LockedValue<[String]>([])

    /// Every request so far, request line, headers and body.
    var requests: [String] { received.value }

    init() throws {
        let listener = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let size = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, size) }
        }
        guard listener >= 0, bound == 0, listen(listener, 16) == 0 else {
            throw ProcessError("the callback receiver cannot listen")
        }
        var length = size
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        socket = listener
        port = Int(UInt16(bigEndian: address.sin_port))
        let received = self.received
        Thread {
            while true {
                let client = accept(listener, nil, nil)
                guard client >= 0 else { return }
                received.withLock { $0.append(Self.read(client)) }
                let answer = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                _ = answer.withCString { write(client, $0, strlen($0)) }
                close(client)
            }
        }.start()
    }

    /// One request: the head, then as many body bytes as it announces.
    private static func read(_ client: Int32) -> String {
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = Glibc.read(client, &buffer, buffer.count)
            guard count > 0 else { break }
            data += buffer[0..<count]
            let text = String(decoding: data, as: UTF8.self)
            guard let end = text.range(of: "\r\n\r\n") else { continue }
            let head = text[..<end.lowerBound].lowercased()
            let announced =
                head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
            if text[end.upperBound...].utf8.count >= announced { break }
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Stops accepting connections.
    func stop() {
        shutdown(socket, Int32(SHUT_RDWR))
    }

    deinit {
        close(socket)
    }
}
