import Foundation

/// The fixture bank's toy signature: FNV-1a 64 over the secret, a newline and the body, as 16 lowercase hex
/// digits in the `X-Fixture-Signature` header. Not cryptographic — enough for a test bank that must tell a
/// genuine message from a tampered one.
public enum FixtureSignature {
    /// The header that carries it.
    public static let header = "X-Fixture-Signature"

    /// The signature of `body` with `secret`.
    public static func sign(_ body: Data, secret: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in Array(secret.utf8) + [0x0a] + [UInt8](body) {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Whether `signature` is `body`'s with `secret`.
    public static func verify(_ body: Data, signature: String?, secret: String) -> Bool {
        guard let signature else { return false }
        return sign(body, secret: secret) == signature
    }
}
