/// Whether two byte sequences are equal, in a time that depends on their lengths only, never on where they first
/// differ: API keys and code hashes are compared with it, so no one can learn them a byte at a time.
func constantTimeEquals(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
    let left = Array(a)
    let right = Array(b)
    var difference = left.count ^ right.count
    for index in 0..<max(left.count, right.count) {
        let x = index < left.count ? left[index] : 0
        let y = index < right.count ? right[index] : 0
        difference |= Int(x ^ y)
    }
    return difference == 0
}
