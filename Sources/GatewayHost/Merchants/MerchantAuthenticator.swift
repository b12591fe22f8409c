import Foundation
import HTTPTypes
import Hummingbird
import MerchantAuth

/// Authenticates every merchant request (docs/MERCHANT-AUTH.md) before any handler runs:
///
/// 1. the four headers are present and well formed;
/// 2. `X-Timestamp` is within ±5 minutes of the gateway's clock;
/// 3. `X-Signature` is the HMAC-SHA256 of method, target, timestamp, nonce and the body's SHA-256, under the
///    merchant's secret;
/// 4. the nonce was not seen in the last 10 minutes, by any gateway process (`PaymentStore.registerNonce`).
///
/// Any failure is a 401 with a stable code, and nothing is stored: the nonce is recorded only once the
/// signature is valid. Bank notifications (`/v1/notify/…`) are authenticated by their channel instead.
///
/// The merchant, its nonce and the collected body go into the `MerchantRequestContext`. On the two routes that
/// create something (`POST /v1/payments`, `POST /v1/payments/{id}/refunds`) the nonce is recorded by the
/// insert's own write transaction; when the handler ends without one (a replay, a refusal), it is recorded
/// here after the handler, and a replayed nonce then turns the answer into 401 `replayed_nonce` — those
/// handlers store nothing without the nonce. Every other route records it before its handler runs.
struct MerchantAuthenticator: RouterMiddleware {
    typealias Context = MerchantRequestContext

    var merchants: MerchantRegistry
    var store: any PaymentStore
    var now: @Sendable () -> Date = { Date() }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let path = request.uri.path
        guard path.hasPrefix("/v1/"), !path.hasPrefix("/v1/notify/") else { return try await next(request, context) }
        return try await LedgerWrites.$origin.withValue("merchant_request") {
            try await authenticate(request, context: context, next: next)
        }
    }

    private func authenticate(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {

        func header(_ name: String) -> String? { request.headers[HTTPField.Name(name)!] }
        guard let merchantId = header(MerchantSignature.Header.merchantId),
            let timestamp = header(MerchantSignature.Header.timestamp),
            let nonce = header(MerchantSignature.Header.nonce),
            let signature = header(MerchantSignature.Header.signature)
        else { throw AuthError.headersMissing }
        guard RequestValidator.isIdentifier(merchantId, maxLength: 64), let merchant = merchants.merchant(merchantId) else {
            throw AuthError.unknownMerchant
        }
        guard MerchantSignature.isValidNonce(nonce) else { throw AuthError.invalidNonce }
        guard timestamp.utf8.count <= 16, timestamp.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let ms = Int64(timestamp) else {
            throw AuthError.invalidTimestamp
        }
        let current = now()
        guard abs(Double(ms) / 1000 - current.timeIntervalSince1970) <= MerchantAuthWindow.timestampTolerance else {
            throw AuthError.staleTimestamp
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: JSONBody.maximumBytes)
        } catch {
            throw GatewayError(.contentTooLarge, "payload_too_large", "the body exceeds \(JSONBody.maximumBytes) bytes")
        }
        // The current secret, and during a rotation the previous one.
        let given = signature.lowercased()
        let matched = merchant.acceptedSecrets.contains { secret in
            let expected = MerchantSignature.sign(
                secret: secret.reveal(), method: request.method.rawValue, target: request.uri.string,
                timestamp: timestamp, nonce: nonce, body: body.readableBytesView)
            return MerchantSignature.matches(given, expected: expected)
        }
        guard matched else { throw AuthError.invalidSignature }
        let claim = MerchantNonce(merchantId: merchantId, value: nonce, seenAt: current)
        var context = context
        context.merchant = AuthenticatedMerchant(id: merchantId, nonce: claim, body: body)
        guard Self.createsInTransaction(request) else {
            try await claim.record(in: store)
            return try await next(request, context)
        }
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            try await claim.record(in: store)
            throw error
        }
        try await claim.record(in: store)
        return response
    }

    /// The routes whose handler records the nonce in its insert transaction.
    static func createsInTransaction(_ request: Request) -> Bool {
        guard request.method == .post else { return false }
        let path = request.uri.path
        if path == "/v1/payments" { return true }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 5 && parts[1] == "v1" && parts[2] == "payments" && !parts[3].isEmpty && parts[4] == "refunds"
    }
}

/// Why a merchant request was not authenticated; every case is a 401 with its own stable code.
enum AuthError {
    static let headersMissing = GatewayError(
        .unauthorized, "authentication_required",
        "X-Merchant-Id, X-Timestamp, X-Nonce and X-Signature are required (docs/MERCHANT-AUTH.md)")
    static let unknownMerchant = GatewayError(.unauthorized, "unknown_merchant", "X-Merchant-Id names no merchant of this gateway")
    static let invalidNonce = GatewayError(.unauthorized, "invalid_nonce", "X-Nonce must be 8–64 characters of [A-Za-z0-9-]")
    static let invalidTimestamp = GatewayError(.unauthorized, "invalid_timestamp", "X-Timestamp must be Unix time in milliseconds")
    static let staleTimestamp = GatewayError(
        .unauthorized, "stale_timestamp", "X-Timestamp is more than 5 minutes away from the gateway's clock")
    static let invalidSignature = GatewayError(
        .unauthorized, "invalid_signature", "X-Signature does not match the request (check the secret and the string to sign)")
    static let replayedNonce = GatewayError(
        .unauthorized, "replayed_nonce", "this X-Nonce was already used in the last 10 minutes; sign each request with a new one")
}

/// The time limits of merchant authentication.
enum MerchantAuthWindow {
    /// How far a request's timestamp may be from the gateway's clock.
    static let timestampTolerance: TimeInterval = 300
    /// How long a nonce is remembered: the whole ±5 minute window a timestamp can be accepted in.
    static let nonceLifetime: TimeInterval = 600
}
