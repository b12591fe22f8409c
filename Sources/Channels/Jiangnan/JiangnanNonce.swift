/// Fresh request nonces: `n-` and 24 random lowercase hex digits (26 characters of `[A-Za-z0-9-]`).
enum JiangnanNonce {
    /// A new random nonce.
    @Sendable static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        return "n-" + randomHex(24, using: &generator)
    }

    /// `count` random lowercase hex digits.
    static func randomHex<G: RandomNumberGenerator>(_ count: Int, using generator: inout G) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(count)
        for _ in 0..<count { out.append(digits[Int(generator.next() & 0x0f)]) }
        return String(decoding: out, as: UTF8.self)
    }
}
