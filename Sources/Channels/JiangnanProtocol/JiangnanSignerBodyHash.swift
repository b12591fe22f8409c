import Crypto
import Foundation

/// Signing from a precomputed body hash, for bodies too large to hold in memory (statement files).
extension JiangnanSigner {
    /// The signature of one message whose body hash (`lowercase_hex(SHA256(BODY))`) is already known.
    public func signature(method: String, target: String, timestamp: String, nonce: String, bodyHash: String)
        -> String
    {
        let text = Self.stringToSign(method: method, target: target, timestamp: timestamp, nonce: nonce, bodyHash: bodyHash)
        return Self.hex(Array(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: symmetricKey)))
    }

    /// Checks, in constant time, a signature over a message whose body hash is already known.
    public func isValid(
        _ signature: String, method: String, target: String, timestamp: String, nonce: String, bodyHash: String
    ) -> Bool {
        let text = Self.stringToSign(method: method, target: target, timestamp: timestamp, nonce: nonce, bodyHash: bodyHash)
        guard let given = Self.bytes(fromHex: signature) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(given, authenticating: Data(text.utf8), using: symmetricKey)
    }

    /// The signed string S, from the body's hash.
    public static func stringToSign(method: String, target: String, timestamp: String, nonce: String, bodyHash: String)
        -> String
    {
        "\(method)\n\(target)\n\(timestamp)\n\(nonce)\n\(bodyHash)"
    }

    /// `lowercase_hex(SHA256(contents))` of a file, read in chunks of `chunkSize` bytes.
    /// - Throws: the file system's error when the file cannot be read.
    public static func bodyHash(ofFileAt url: URL, chunkSize: Int = 1 << 20) throws -> String {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: max(1, chunkSize)), !chunk.isEmpty {
            hasher.update(data: chunk)
        }
        return hex(Array(hasher.finalize()))
    }
}
