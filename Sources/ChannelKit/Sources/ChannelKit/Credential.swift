/// One credential of a channel (a shared secret, a private key, the bank's public key), as the gateway
/// resolved it from the channel's config: the ``current`` value and, during a key rotation, the ``next``.
///
/// - Sign with ``current`` only.
/// - Verify with ``verificationValues`` (current first, then next), so answers signed with either key are
///   accepted while the bank switches over.
///
/// A `next` value is only accepted for credentials the manifest declares with `rotates: true`.
public struct Credential: Hashable, Sendable, Codable {
    /// The value in use: the one to sign with.
    public var current: Secret
    /// The value the bank is moving to, during a rotation.
    public var next: Secret?

    /// Creates a credential.
    public init(current: Secret, next: Secret? = nil) {
        self.current = current
        self.next = next
    }

    /// Every value an answer may be signed with, current first.
    public var verificationValues: [Secret] { [current] + (next.map { [$0] } ?? []) }
}

/// A credential a plugin declares in its manifest.
public struct CredentialDeclaration: Hashable, Sendable, Codable {
    /// The key under `credentials:` in a channel config (`secret`, `private_key`...).
    public var name: String
    /// Whether every channel of the plugin must have it.
    public var isRequired: Bool
    /// Whether the credential can be rotated: a config may then give a `next` value beside the `current` one.
    public var rotates: Bool
    /// What it is, for ops (free of secrets).
    public var summary: String

    /// Declares a credential.
    public init(_ name: String, required: Bool = true, rotates: Bool = false, summary: String = "") {
        self.name = name
        self.isRequired = required
        self.rotates = rotates
        self.summary = summary
    }
}
