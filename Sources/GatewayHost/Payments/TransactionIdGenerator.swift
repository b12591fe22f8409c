import Foundation

/// Makes the gateway's transaction ids: a prefix and a 26-character ULID (48-bit millisecond time + 80 random
/// bits, Crockford base32), e.g. `pay_01JD3W…`. Sortable by creation time, unique without coordination, and
/// valid as every bank's caller id (`[A-Za-z0-9_]`, at most 30 characters).
struct TransactionIdGenerator: Sendable {
    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    func make(prefix: String, now: Date = Date()) -> String {
        var generator = SystemRandomNumberGenerator()
        let millis = UInt64(max(0, now.timeIntervalSince1970 * 1000))
        var chars = [UInt8](repeating: 0, count: 26)
        var time = millis
        for index in stride(from: 9, through: 0, by: -1) {
            chars[index] = Self.alphabet[Int(time & 31)]
            time >>= 5
        }
        for index in 10..<26 {
            chars[index] = Self.alphabet[Int(generator.next() & 31)]
        }
        return prefix + String(decoding: chars, as: UTF8.self)
    }
}
