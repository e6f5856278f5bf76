import PolicySimulation
import Testing

@Suite("Key values in reports: phone numbers, addresses and IPs are masked")
struct KeyMaskTests {
    @Test(
        "each kind of key keeps what tells keys apart and hides the rest",
        arguments: [
            ("+41791234573", "+4179•••••73"),
            ("+12025550143", "+1202•••••43"),
            ("+35312345", "+3•••••45"),
            ("alice@example.org", "a•••@example.org"),
            ("carol+otp@example.com", "c•••@example.com"),
            ("198.51.100.7", "198.51.100.•"),
            ("203.0.113.255", "203.0.113.•"),
            ("2001:db8::bad:1", "2001:db8:0:•"),
            ("2001:0db8:85a3:0000:0000:8a2e:0370:7334", "2001:db8:85a3:•"),
            ("tenant-0007", "te•••••••07"),
            ("short", "•••••"),
            ("+4179", "•••••"),
            ("999.1.1.1", "99•••••.1"),
        ])
    func masks(key: String, masked: String) {
        #expect(KeyMask.mask(key) == masked)
    }
}
