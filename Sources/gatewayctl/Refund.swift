import ArgumentParser
import Foundation
import MerchantAuth

extension GatewayCtl {
    /// `gatewayctl refund PAYMENT-ID --amount N`: refund (part of) a payment through the merchant API.
    struct Refund: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Refund (part of) a succeeded payment, signed as a merchant (POST /v1/payments/{id}/refunds).",
            discussion: """
                Signs the request with the merchant's secret (read from the environment variable named by \
                --secret-env; never printed) and prints the refund the gateway answers: its status (succeeded, \
                declined, pending or processing), the bank's code and, when declined, why. The refund is \
                idempotent by --refund-id (the merchant_refund_id): without one, a new id is made and printed \
                first — to retry after a timeout, send the same command with that --refund-id, which answers the \
                stored refund (marked replayed) and never refunds twice. A refund over what remains of the payment \
                is refused (422 refund_exceeds_remaining).

                Example:
                  gatewayctl refund pay_… --amount 300 --refund-id r-1 --url http://127.0.0.1:8080 \\
                    --merchant-id demo --secret-env GATEWAY_MERCHANT_DEMO_SECRET

                Exit codes: 0 the gateway answered with a refund (whatever its status), 3 gateway unreachable, 4 \
                HTTP error (e.g. 404 payment_not_found, 422 refund_exceeds_remaining, 409 idempotency_conflict) or \
                unreadable answer, 64 usage.
                """
        )

        @OptionGroup var options: MerchantOptions

        @Argument(help: ArgumentHelp("The gateway's payment id, e.g. pay_….", valueName: "payment-id"))
        var paymentId: String

        @Option(help: ArgumentHelp("Amount to refund, in minor units.", valueName: "minor-units"))
        var amount: Int64

        @Option(help: ArgumentHelp("The merchant's refund id, the idempotency key (default: a new one, printed).", valueName: "id"))
        var refundId: String?

        @Option(help: "Why (up to 256 characters).")
        var reason: String?

        /// `POST /v1/payments/{id}/refunds` body.
        struct Body: Encodable {
            var merchant_refund_id: String
            var amount: Int64
            var reason: String?
        }

        mutating func validate() throws {
            guard SigningOptions.isIdentifier(paymentId) else {
                throw ValidationError("the payment id must be 1–64 characters of [A-Za-z0-9_-], not '\(paymentId)'.")
            }
            guard amount > 0 else { throw ValidationError("--amount must be a positive number of minor units, not \(amount).") }
            if let refundId, !SigningOptions.isIdentifier(refundId) {
                throw ValidationError("--refund-id must be 1–64 characters of [A-Za-z0-9_-], not '\(refundId)'.")
            }
            if let reason, reason.count > 256 { throw ValidationError("--reason must be at most 256 characters.") }
        }

        func run() async throws {
            let id = refundId ?? "ctl-r-\(MerchantRequestSigner.nowMs())-\(MerchantRequestSigner.randomNonce().prefix(8))"
            if refundId == nil, !options.json {
                FileHandle.standardError.write(Data("refund id \(id) (retry with --refund-id \(id))\n".utf8))
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let bytes = Array(try encoder.encode(Body(merchant_refund_id: id, amount: amount, reason: reason)))
            let target = "/v1/payments/\(paymentId)/refunds"
            let client = try options.client()
            let answer: MerchantClient.Answer
            do {
                answer = try await client.send("POST", target, body: bytes)
            } catch {
                throw error.report()
            }
            let request = "POST \(client.url.appending(target: target))"
            let refund: RefundView
            do {
                refund = try JSONDecoder().decode(RefundView.self, from: Data(answer.body))
            } catch {
                throw MerchantClientError.unreadable(request: request, reason: "not a refund: \(error)").report()
            }
            if options.json {
                Output.printJSON(answer.body)
            } else {
                print(refund.render(replayed: answer.header("Idempotent-Replayed") == "true"))
            }
        }
    }
}
