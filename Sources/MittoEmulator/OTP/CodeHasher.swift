import Crypto
import Foundation

/// Codes are kept only as HMAC-SHA256 under a key made at start, and compared in constant time.
struct CodeHasher: Sendable {
    private let key: SymmetricKey

    init() {
        key = SymmetricKey(size: .bits256)
    }

    func hash(_ code: String) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: Data(code.utf8), using: key))
    }

    /// A code of `length` digits from the system's cryptographic random source.
    static func randomCode(length: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in Character(String(Int.random(in: 0...9, using: &generator))) })
    }
}
