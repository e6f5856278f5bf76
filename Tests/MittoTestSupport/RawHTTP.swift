import AsyncHTTPClient
public import Foundation
public import MittoEmulator
import NIOCore
import NIOHTTP1

/// A response as a test sees it: status, headers and body text.
public struct RawResponse: Sendable {
    /// The status code.
    public var status: Int
    /// Header values by lowercased name.
    public var headers: [String: String]
    /// The body as text.
    public var body: String

    /// The body parsed as JSON, for checks on single fields.
    public var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
    }
}

/// Sends requests exactly as written, to pin the wire format from the outside.
public struct RawHTTP: Sendable {
    /// The emulator's root.
    public let endpoint: URL
    /// Who calls; nil for no `Authorization` header.
    public var account: Account?

    /// Creates a raw client for `emulator`.
    public init(_ emulator: RunningEmulator, account: Account? = TestAccounts.acme) {
        self.endpoint = emulator.endpoint
        self.account = account
    }

    /// Creates a raw client for any endpoint, such as an emulator process.
    public init(endpoint: URL, account: Account?) {
        self.endpoint = endpoint
        self.account = account
    }

    /// Sends one request and reads the whole answer.
    public func send(
        _ method: String, _ path: String, body: String? = nil, contentType: String? = "application/json",
        headers: [String: String] = [:]
    ) async throws -> RawResponse {
        var request = HTTPClientRequest(url: endpoint.absoluteString + path)
        request.method = HTTPMethod(rawValue: method)
        if let account {
            let token = Data("\(account.sid):\(account.apiKey)".utf8).base64EncodedString()
            request.headers.add(name: "Authorization", value: "Basic \(token)")
        }
        if let body {
            if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
            request.body = .bytes(ByteBuffer(string: body))
        }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        var headerMap: [String: String] = [:]
        for header in response.headers { headerMap[header.name.lowercased()] = header.value }
        return RawResponse(status: Int(response.status.code), headers: headerMap, body: String(buffer: bytes))
    }
}
