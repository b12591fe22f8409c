import ChannelKit
import Foundation
import HTTPTypes
import Hummingbird

/// The merchant API routes (JSON over HTTP), described in docs/openapi.yaml.
struct MerchantAPI: Sendable {
    var payments: PaymentService

    func addRoutes(to router: Router<MerchantRequestContext>) {
        router.post("/v1/payments") { _, context in try await createPayment(try context.authenticated()) }
        router.get("/v1/payments") { request, context in try await findPayment(request, merchantId: try context.authenticated().id) }
        router.get("/v1/payments/{id}") { request, context in
            try await getPayment(id: try context.parameters.require("id"), merchantId: try context.authenticated().id)
        }
        router.post("/v1/payments/{id}/refunds") { request, context in
            try await createRefund(try context.authenticated(), paymentId: try context.parameters.require("id"))
        }
        router.get("/v1/refunds/{id}") { request, context in
            try await getRefund(id: try context.parameters.require("id"), merchantId: try context.authenticated().id)
        }
        router.get("/v1/payments/{id}/history") { _, context in
            let payment = try await payments.payment(id: try context.parameters.require("id"), merchantId: try context.authenticated().id)
            return try JSONBody.response(ListResource(data: try await payments.transitions(payment.id).map(TransitionResource.init)))
        }
        router.get("/v1/refunds/{id}/history") { _, context in
            let refund = try await payments.refund(id: try context.parameters.require("id"), merchantId: try context.authenticated().id)
            return try JSONBody.response(ListResource(data: try await payments.transitions(refund.id).map(TransitionResource.init)))
        }
        router.get("/v1/payments/{id}/events") { _, context in
            let payment = try await payments.payment(id: try context.parameters.require("id"), merchantId: try context.authenticated().id)
            return try JSONBody.response(ListResource(data: try await payments.webhooks(payment.id).map(WebhookEventResource.init)))
        }
        router.get("/v1/refunds/{id}/events") { _, context in
            let refund = try await payments.refund(id: try context.parameters.require("id"), merchantId: try context.authenticated().id)
            return try JSONBody.response(ListResource(data: try await payments.webhooks(refund.id).map(WebhookEventResource.init)))
        }
        router.post("/v1/notify/{channel}") { request, context in
            try await notify(request, channelId: try context.parameters.require("channel"))
        }
    }

    private func createPayment(_ merchant: AuthenticatedMerchant) async throws -> Response {
        let body = try JSONBody.decode(CreatePaymentBody.self, from: merchant.body)
        var payment = try RequestValidator.payment(body, merchantId: merchant.id)
        payment.nonce = merchant.nonce
        let created = try await payments.createPayment(payment)
        // A replay answers exactly what the first request answered (201 and the stored payment), marked
        // with Idempotent-Replayed.
        // A payment created by this request has no refunds yet (its id was unknown until now): no read for them.
        return try await paymentResponse(
            created.record, status: .created, replayed: !created.isNew, refundsPossible: !created.isNew)
    }

    private func findPayment(_ request: Request, merchantId: String) async throws -> Response {
        guard let orderId = request.uri.queryParameters.get("merchant_order_id"), !orderId.isEmpty else {
            throw GatewayError.invalidRequest("query parameter merchant_order_id is required")
        }
        return try await paymentResponse(try await payments.payment(merchantOrderId: orderId, merchantId: merchantId))
    }

    private func getPayment(id: String, merchantId: String) async throws -> Response {
        try await paymentResponse(try await payments.payment(id: id, merchantId: merchantId))
    }

    private func createRefund(_ merchant: AuthenticatedMerchant, paymentId: String) async throws -> Response {
        let body = try JSONBody.decode(CreateRefundBody.self, from: merchant.body)
        var refund = try RequestValidator.refund(body, paymentId: paymentId, merchantId: merchant.id)
        refund.nonce = merchant.nonce
        let created = try await payments.createRefund(refund)
        return try JSONBody.response(
            RefundResource(created.record, needsAttention: needsAttention(created.record)), status: .created,
            headers: created.isNew ? [:] : [HTTPField.Name("Idempotent-Replayed")!: "true"])
    }

    private func getRefund(id: String, merchantId: String) async throws -> Response {
        let refund = try await payments.refund(id: id, merchantId: merchantId)
        return try JSONBody.response(RefundResource(refund, needsAttention: needsAttention(refund)))
    }

    private func notify(_ request: Request, channelId: String) async throws -> Response {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: JSONBody.maximumBytes)
        } catch {
            throw GatewayError(.contentTooLarge, "payload_too_large", "the body exceeds \(JSONBody.maximumBytes) bytes")
        }
        let notification = InboundNotification(
            method: request.method.rawValue, target: request.uri.string,
            headers: request.headers.map { HTTPHeaderField($0.name.rawName, $0.value) }, body: Data(buffer: body),
            receivedAt: Date())
        let reply = try await LedgerWrites.$origin.withValue("bank_notification") {
            try await payments.handleNotification(channelId: channelId, notification)
        }
        var headers = HTTPFields()
        for field in reply.headers {
            if let name = HTTPField.Name(field.name) { headers.append(HTTPField(name: name, value: field.value)) }
        }
        return Response(
            status: HTTPResponse.Status(code: reply.status), headers: headers,
            body: .init(byteBuffer: ByteBuffer(bytes: reply.body)))
    }

    private func needsAttention(_ refund: RefundRecord) -> Bool {
        payments.needsAttention(status: refund.status, createdAt: refund.createdAt)
    }

    private func paymentResponse(
        _ record: PaymentRecord, status: HTTPResponse.Status = .ok, replayed: Bool = false, refundsPossible: Bool = true
    ) async throws -> Response {
        // Only a succeeded payment can have refunds: the others skip the read.
        let refunds =
            refundsPossible && record.status == .succeeded
            ? try await payments.refundTotals(paymentId: record.id) : RefundTotals(committed: 0, succeeded: 0)
        // Only a payment that failed over has earlier attempts: the others skip that read too.
        let earlier = record.attemptNumber > 1 ? try await payments.store.attempts(paymentId: record.id) : []
        return try JSONBody.response(
            PaymentResource(
                record, refunds: refunds,
                needsAttention: payments.needsAttention(status: record.status, createdAt: record.createdAt),
                earlier: earlier),
            status: status,
            headers: replayed ? [HTTPField.Name("Idempotent-Replayed")!: "true"] : [:])
    }
}
