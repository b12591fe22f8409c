/// An ISO 4217 alphabetic code packed into 32 bits (three ASCII bytes), so a ledger entry carries its currency
/// without a String.
public struct CurrencyCode: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let packed: UInt32

    /// Packs a code of exactly three ASCII letters; anything else packs to the code `???`'s value 0.
    public init(_ code: String) {
        var value: UInt32 = 0
        var count = 0
        for byte in code.utf8 {
            count += 1
            guard count <= 3, byte < 0x80 else { value = 0; break }
            value = value << 8 | UInt32(byte)
        }
        packed = count == 3 ? value : 0
    }

    /// Packs the first three bytes of `bytes` (the caller checked there are three).
    public init(bytes: UnsafeRawBufferPointer) {
        guard bytes.count == 3 else { packed = 0; return }
        packed = UInt32(bytes[0]) << 16 | UInt32(bytes[1]) << 8 | UInt32(bytes[2])
    }

    public var description: String {
        guard packed != 0 else { return "???" }
        let bytes = [UInt8(packed >> 16 & 0xFF), UInt8(packed >> 8 & 0xFF), UInt8(packed & 0xFF)]
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func < (lhs: CurrencyCode, rhs: CurrencyCode) -> Bool { lhs.description < rhs.description }
}
