import Foundation

/// The JSON body of a webhook: `{"id", "object": "event", "type", "created_at", "data": payment|refund}`,
/// `data` being exactly what `GET /v1/payments/{id}` (or the refund) shows.
enum WebhookPayload {
    static func render(_ event: WebhookEvent, payments: PaymentService) async throws -> String {
        switch event.kind {
        case .payment:
            guard let payment = try await payments.store.payment(id: event.transactionId) else {
                throw StoreError("webhook event \(event.id) names a missing payment")
            }
            let earlier = payment.attemptNumber > 1 ? try await payments.store.attempts(paymentId: payment.id) : []
            let resource = PaymentResource(
                payment, refunds: try await payments.refundTotals(paymentId: payment.id), needsAttention: false,
                earlier: earlier)
            return try render(id: event.id, type: event.type, createdAt: event.createdAt, data: resource)
        case .refund:
            guard let refund = try await payments.store.refund(id: event.transactionId) else {
                throw StoreError("webhook event \(event.id) names a missing refund")
            }
            let resource = RefundResource(refund, needsAttention: false)
            return try render(id: event.id, type: event.type, createdAt: event.createdAt, data: resource)
        }
    }

    /// The body of event `id` with `data` (a `PaymentResource` or a `RefundResource`).
    static func render(id: String, type: String, createdAt: Date, data: some Encodable & Sendable) throws -> String {
        try encode(Envelope(id: id, type: type, created_at: createdAt, data: data))
    }

    private struct Envelope<Data: Encodable & Sendable>: Encodable, Sendable {
        var id: String
        var object = "event"
        var type: String
        var created_at: Date
        var data: Data
    }

    private static func encode(_ value: some Encodable) throws -> String {
        String(decoding: try JSONBody.encoder.encode(value), as: UTF8.self)
    }
}
