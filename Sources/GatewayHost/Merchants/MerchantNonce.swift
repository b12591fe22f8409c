import Foundation
import Synchronization

/// The nonce of an authenticated merchant request, recorded exactly once (`PaymentStore.registerNonce`'s rule:
/// a nonce seen in the last 10 minutes, by any gateway process, is a replay).
///
/// A request that creates a payment or a refund records it inside that insert's write transaction (the
/// store's `insertPayment`/`insertRefund` with a nonce), so a new payment costs one durable write before the
/// bank call instead of two. Every other request — a GET, an idempotent replay, a request refused before it
/// stored anything — records it on its own with `record(in:)`: `MerchantAuthenticator` does so before the
/// handler runs, or, on the two create routes, after it when the handler's transaction did not. Either way a
/// replayed nonce is answered 401 `replayed_nonce` and changes nothing.
final class MerchantNonce: Sendable {
    let merchantId: String
    let value: String
    /// When the gateway received the request (what `purgeNonces` ages it by).
    let seenAt: Date
    private let recorded = Mutex(false)

    init(merchantId: String, value: String, seenAt: Date) {
        self.merchantId = merchantId
        self.value = value
        self.seenAt = seenAt
    }

    /// Whether a committed write transaction holds it.
    var isRecorded: Bool { recorded.withLock { $0 } }

    /// Called by a store once the transaction that inserted it has committed.
    func markRecorded() { recorded.withLock { $0 = true } }

    /// Records it in a write of its own unless a transaction already did; a nonce seen before throws
    /// `replayed_nonce`.
    func record(in store: any PaymentStore) async throws {
        guard !isRecorded else { return }
        guard try await store.registerNonce(merchantId: merchantId, nonce: value, at: seenAt) else {
            throw AuthError.replayedNonce
        }
        markRecorded()
    }
}
