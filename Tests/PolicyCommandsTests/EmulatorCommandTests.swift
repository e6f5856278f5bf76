import Foundation
import MittoTestSupport
import Testing

/// What the real `mitto-emulator` binary says when it cannot start.
@Suite("mitto-emulator serve errors")
struct EmulatorCommandTests {
    @Test("a busy port says which address and what to do, in one line, and exits 1")
    func busyPort() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(listener, raw, length) == 0 && listen(listener, 1) == 0
                    && getsockname(listener, raw, &length) == 0
            }
        }
        try #require(bound)
        let port = Int(UInt16(bigEndian: address.sin_port))
        let result = try CommandRunner.run(
            ["serve", "--port", "\(port)", "--in-memory", "--account-sid", TestAccounts.acme.sid, "--api-key", "k"],
            executable: "mitto-emulator"
        )
        #expect(result.status == 1)
        #expect(
            result.stderr
                == "mitto-emulator: error: cannot listen on 127.0.0.1:\(port): the address is already in use, perhaps "
                + "by another mitto-emulator. Stop that process, or pass another --port (--port 0 picks a free one).\n")
    }
}
