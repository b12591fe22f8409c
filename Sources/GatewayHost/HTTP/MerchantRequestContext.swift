import Hummingbird

/// The merchant API's request context: what `MerchantAuthenticator` established, so that no handler parses the
/// merchant header or collects the body again.
struct MerchantRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// Set by `MerchantAuthenticator` for every `/v1/` request except bank notifications.
    var merchant: AuthenticatedMerchant?

    init(source: Source) {
        coreContext = .init(source: source)
    }

    /// The authenticated merchant; a route reached without authentication (never, behind the authenticator)
    /// is refused as such.
    func authenticated() throws -> AuthenticatedMerchant {
        guard let merchant else { throw AuthError.headersMissing }
        return merchant
    }
}

/// A merchant request whose signature verified.
struct AuthenticatedMerchant: Sendable {
    /// The merchant id (X-Merchant-Id), known to this gateway.
    var id: String
    /// Its nonce, recorded by the request's own insert or on its own (`MerchantNonce`).
    var nonce: MerchantNonce
    /// The whole body, collected once (its SHA-256 is part of the signature).
    var body: ByteBuffer
}
