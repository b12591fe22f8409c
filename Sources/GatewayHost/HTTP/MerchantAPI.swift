import ChannelKit
import Foundation
import HTTPTypes
import Hummingbird

/// The merchant API routes (JSON over HTTP), described in docs/openapi.yaml.
struct MerchantAPI: Sendable {
    var payments: PaymentService

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.post("/v1/payments") { request, _ in try await createPayment(request) }
        router.get("/v1/payments") { request, _ in try await findPayment(request) }
        router.get("/v1/payments/{id}") { request, context in
            try await getPayment(request, id: try context.parameters.require("id"))
        }
        router.post("/v1/payments/{id}/refunds") { request, context in
            try await createRefund(request, paymentId: try context.parameters.require("id"))
        }
        router.get("/v1/refunds/{id}") { request, context in
            try await getRefund(request, id: try context.parameters.require("id"))
        }
        router.get("/v1/payments/{id}/history") { request, context in
            let payment = try await payments.payment(id: try context.parameters.require("id"), merchantId: try merchant(request))
            return try JSONBody.response(ListResource(data: try await payments.transitions(payment.id).map(TransitionResource.init)))
        }
        router.get("/v1/refunds/{id}/history") { request, context in
            let refund = try await payments.refund(id: try context.parameters.require("id"), merchantId: try merchant(request))
            return try JSONBody.response(ListResource(data: try await payments.transitions(refund.id).map(TransitionResource.init)))
        }
        router.get("/v1/payments/{id}/events") { request, context in
            let payment = try await payments.payment(id: try context.parameters.require("id"), merchantId: try merchant(request))
            return try JSONBody.response(ListResource(data: try await payments.webhooks(payment.id).map(WebhookEventResource.init)))
        }
        router.get("/v1/refunds/{id}/events") { request, context in
            let refund = try await payments.refund(id: try context.parameters.require("id"), merchantId: try merchant(request))
            return try JSONBody.response(ListResource(data: try await payments.webhooks(refund.id).map(WebhookEventResource.init)))
        }
        router.post("/v1/notify/{channel}") { request, context in
            try await notify(request, channelId: try context.parameters.require("channel"))
        }
    }

    private func merchant(_ request: Request) throws -> String {
        try RequestValidator.merchantId(request.headers[HTTPField.Name("X-Merchant-Id")!])
    }

    private func createPayment(_ request: Request) async throws -> Response {
        let merchantId = try merchant(request)
        let body = try await JSONBody.decode(CreatePaymentBody.self, from: request)
        let created = try await payments.createPayment(try RequestValidator.payment(body, merchantId: merchantId))
        // A replay answers exactly what the first request answered (201 and the stored payment), marked
        // with Idempotent-Replayed.
        return try await paymentResponse(created.record, status: .created, replayed: !created.isNew)
    }

    private func findPayment(_ request: Request) async throws -> Response {
        let merchantId = try merchant(request)
        guard let orderId = request.uri.queryParameters.get("merchant_order_id"), !orderId.isEmpty else {
            throw GatewayError.invalidRequest("query parameter merchant_order_id is required")
        }
        return try await paymentResponse(try await payments.payment(merchantOrderId: orderId, merchantId: merchantId))
    }

    private func getPayment(_ request: Request, id: String) async throws -> Response {
        let merchantId = try merchant(request)
        return try await paymentResponse(try await payments.payment(id: id, merchantId: merchantId))
    }

    private func createRefund(_ request: Request, paymentId: String) async throws -> Response {
        let merchantId = try merchant(request)
        let body = try await JSONBody.decode(CreateRefundBody.self, from: request)
        let created = try await payments.createRefund(
            try RequestValidator.refund(body, paymentId: paymentId, merchantId: merchantId))
        return try JSONBody.response(
            RefundResource(created.record, needsAttention: needsAttention(created.record)), status: .created,
            headers: created.isNew ? [:] : [HTTPField.Name("Idempotent-Replayed")!: "true"])
    }

    private func getRefund(_ request: Request, id: String) async throws -> Response {
        let merchantId = try merchant(request)
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
        let reply = try await payments.handleNotification(channelId: channelId, notification)
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

    private func paymentResponse(_ record: PaymentRecord, status: HTTPResponse.Status = .ok, replayed: Bool = false)
        async throws -> Response
    {
        // Only a succeeded payment can have refunds: the others skip the read.
        let refunds =
            record.status == .succeeded
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
