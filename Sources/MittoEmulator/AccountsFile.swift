import Foundation
import YAMLNodes

/// Reads the emulator's accounts file:
///
/// ```yaml
/// accounts:
///   - sid: AC0123…
///     apiKey: secret
///     allowedIps: [127.0.0.1, "::1"]
///     callback: {url: http://127.0.0.1:9000/otp, method: POST}
///     subAccounts: [{sid: AC4567…, apiKey: other-secret}]
/// ```
public enum AccountsFile {
    /// The accounts in the file at `path`; every problem is reported with its line and column.
    public static func load(path: String) throws(EmulatorConfigurationError) -> [Account] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .accountsFile(path: path, reason: "cannot read the file")
        }
        return try parse(Array(data), path: path)
    }

    /// The accounts in `bytes`, read as the file `path`.
    public static func parse(_ bytes: [UInt8], path: String) throws(EmulatorConfigurationError) -> [Account] {
        let documents: [YAMLDocument]
        do {
            documents = try YAMLParser.parse(bytes, fileName: path)
        } catch {
            throw .accountsFile(path: path, reason: error.description)
        }
        guard documents.count == 1, let root = documents.first?.root else {
            throw .accountsFile(path: path, reason: "expected one YAML document with an 'accounts' list")
        }
        let reader = Reader(path: path)
        guard let top = try reader.mapping(root, known: ["accounts"]),
            let list = top["accounts"]?.sequenceItems
        else {
            throw .accountsFile(path: path, reason: "\(root.start): expected a mapping with an 'accounts' list")
        }
        var accounts: [Account] = []
        for item in list {
            accounts.append(try reader.account(item, isSubAccount: false))
        }
        return accounts
    }

    private struct Reader {
        let path: String

        func fail(_ node: YAMLNode, _ message: String) -> EmulatorConfigurationError {
            .accountsFile(path: path, reason: "\(node.start.line):\(node.start.column): \(message)")
        }

        func mapping(_ node: YAMLNode, known: Set<String>) throws(EmulatorConfigurationError) -> YAMLNode? {
            guard let pairs = node.mappingPairs else { throw fail(node, "expected a mapping") }
            for duplicate in node.duplicateKeys() {
                throw fail(duplicate, "'\(duplicate.scalarValue ?? "")' is given twice")
            }
            for (key, _) in pairs where !known.contains(key.scalarValue ?? "") {
                throw fail(
                    key,
                    "unknown key '\(key.scalarValue ?? "")'; expected one of \(known.sorted().joined(separator: ", "))")
            }
            return node
        }

        func text(_ node: YAMLNode?, _ key: String, in parent: YAMLNode) throws(EmulatorConfigurationError) -> String {
            guard let node else { throw fail(parent, "'\(key)' is required") }
            guard let value = node.scalarValue, !node.isNull else { throw fail(node, "'\(key)' must be text") }
            return value
        }

        func account(_ node: YAMLNode, isSubAccount: Bool) throws(EmulatorConfigurationError) -> Account {
            let keys: Set<String> =
                isSubAccount ? ["sid", "apiKey"] : ["sid", "apiKey", "allowedIps", "callback", "subAccounts"]
            guard let map = try mapping(node, known: keys) else { throw fail(node, "expected an account") }
            let sid = try text(map["sid"], "sid", in: node)
            let apiKey = try text(map["apiKey"], "apiKey", in: node)
            var account = Account(sid: sid, apiKey: apiKey)
            if let ips = map["allowedIps"] {
                guard let items = ips.sequenceItems else { throw fail(ips, "'allowedIps' must be a list") }
                var entries: [String] = []
                for item in items { entries.append(try text(item, "allowedIps", in: ips)) }
                account.allowedIps = entries
            }
            if let callback = map["callback"] {
                guard let callbackMap = try mapping(callback, known: ["url", "method"]) else {
                    throw fail(callback, "'callback' must be a mapping")
                }
                let url = try text(callbackMap["url"], "url", in: callback)
                let method =
                    try callbackMap["method"].map { (node) throws(EmulatorConfigurationError) in
                        try text(node, "method", in: callback).uppercased()
                    } ?? "POST"
                guard method == "GET" || method == "POST" else {
                    throw fail(callback, "callback method must be GET or POST, got \(method)")
                }
                account.callback = .init(url: url, method: method)
            }
            if let subs = map["subAccounts"] {
                guard let items = subs.sequenceItems else { throw fail(subs, "'subAccounts' must be a list") }
                for item in items { account.subAccounts.append(try self.account(item, isSubAccount: true)) }
            }
            return account
        }
    }
}
