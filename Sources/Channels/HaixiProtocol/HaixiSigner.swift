import Crypto
import Foundation
import _CryptoExtras

/// The Haixi signature (document v1.8, "Signing"): base64 of RSA-SHA256 with PKCS#1 v1.5 padding over the bytes
/// from `<Head>` through `</Body>` exactly as sent. The signing side holds a private key; the other side verifies
/// with the matching public key.
public struct HaixiSigner: Sendable {
    private let key: _RSA.Signing.PrivateKey

    /// A signer from a PEM private key (PKCS#1 or PKCS#8); throws `HaixiKeyError` for anything else. The error
    /// never carries the key's text.
    public init(privateKeyPEM: String) throws(HaixiKeyError) {
        do {
            key = try _RSA.Signing.PrivateKey(pemRepresentation: privateKeyPEM)
        } catch {
            throw HaixiKeyError("not a PEM RSA private key of at least 2048 bits")
        }
    }

    /// A fresh RSA 2048 key pair's signer (simulators and tests make their own: no private key is distributed).
    public static func generate() throws -> HaixiSigner {
        HaixiSigner(key: try _RSA.Signing.PrivateKey(keySize: .bits2048))
    }

    private init(key: _RSA.Signing.PrivateKey) {
        self.key = key
    }

    /// The PEM of the public half, to configure the other side with.
    public var publicKeyPEM: String { key.publicKey.pemRepresentation }

    /// The private key's PEM (for a simulator that writes the key pair it generated).
    public var privateKeyPEM: String { key.pemRepresentation }

    /// The `<Signature>` text over `signedBytes`.
    public func signature(over signedBytes: some DataProtocol) throws -> String {
        try key.signature(for: signedBytes, padding: .insecurePKCS1v1_5).rawRepresentation.base64EncodedString()
    }

    /// The `<Signature>` text over bytes whose SHA-256 is `digest` (a message too large to hold, hashed as it is
    /// written; see ``HaixiSigningStream``).
    public func signature(digest: SHA256.Digest) throws -> String {
        try key.signature(for: digest, padding: .insecurePKCS1v1_5).rawRepresentation.base64EncodedString()
    }
}

/// Signs a message as it is written: the signed bytes pass through ``update(_:)`` and are never held together.
public struct HaixiSigningStream {
    private var hash = SHA256()
    private let signer: HaixiSigner

    public init(signer: HaixiSigner) {
        self.signer = signer
    }

    /// More of the signed bytes, in order.
    public mutating func update(_ bytes: some DataProtocol) {
        hash.update(data: bytes)
    }

    /// The `<Signature>` text over everything given to ``update(_:)``.
    public func finish() throws -> String {
        try signer.signature(digest: hash.finalize())
    }
}

/// Verifies Haixi signatures with the other side's public key.
public struct HaixiVerifier: Sendable {
    private let key: _RSA.Signing.PublicKey

    /// A verifier from a PEM public key (SubjectPublicKeyInfo or PKCS#1); throws `HaixiKeyError` otherwise.
    public init(publicKeyPEM: String) throws(HaixiKeyError) {
        do {
            key = try _RSA.Signing.PublicKey(pemRepresentation: publicKeyPEM)
        } catch {
            throw HaixiKeyError("not a PEM RSA public key of at least 2048 bits")
        }
    }

    /// Whether `signature` (base64, as in `<Signature>`) is this key's over `signedBytes`.
    public func isValid(signature: some StringProtocol, over signedBytes: some DataProtocol) -> Bool {
        guard let raw = Data(base64Encoded: String(signature)) else { return false }
        return key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: raw), for: signedBytes, padding: .insecurePKCS1v1_5)
    }

    /// Whether the signature covers a digest already taken (SHA-256 of the signed bytes, hashed as they streamed).
    public func isValid(signature: some StringProtocol, digest: SHA256.Digest) -> Bool {
        guard let raw = Data(base64Encoded: String(signature)) else { return false }
        return key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: raw), for: digest, padding: .insecurePKCS1v1_5)
    }
}

/// A key that cannot be used; its text is never part of the message.
public struct HaixiKeyError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
