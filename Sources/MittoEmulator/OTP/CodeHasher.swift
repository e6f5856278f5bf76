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

    /// Whether two hashes made by `hash(_:)` are equal, in the same time wherever the bytes differ: a verify hashes
    /// the code it was given before it waits for the database, and only compares inside the write.
    static func equal(_ candidate: Data, _ hash: Data) -> Bool {
        guard candidate.count == hash.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(candidate, hash) { difference |= a ^ b }
        return difference == 0
    }

    /// A code of `length` digits from the system's cryptographic random source.
    static func randomCode(length: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in Character(String(Int.random(in: 0...9, using: &generator))) })
    }
}
