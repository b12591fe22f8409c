import ArgumentParser
import Foundation
import MerchantAuth

extension GatewayCtl {
    /// `gatewayctl pay`: create a payment through the merchant API, signed as a merchant.
    struct Pay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a payment, signed as a merchant (POST /v1/payments).",
            discussion: """
                Builds the JSON body, signs it with the merchant's secret (read from the environment variable \
                named by --secret-env; never printed) and prints the payment the gateway answers: its status \
                (succeeded, declined, pending or processing), the bank's code and, when declined, why \
                (decline_code). Sending the same --order-id again returns the stored payment, marked replayed.

                Example:
                  export GATEWAY_MERCHANT_DEMO_SECRET=demo-merchant-secret
                  gatewayctl pay --url http://127.0.0.1:8080 --merchant-id demo \\
                    --secret-env GATEWAY_MERCHANT_DEMO_SECRET \\
                    --amount 100 --currency CNY --subject Tea

                Exit codes: 0 the gateway answered with a payment (whatever its status), 3 gateway \
                unreachable, 4 HTTP error (e.g. 401 invalid_signature, 422 unsupported_currency) or \
                unreadable answer, 64 usage.
                """
        )

        @OptionGroup var options: MerchantOptions

        @Option(help: ArgumentHelp("Amount in minor units (fen for CNY).", valueName: "minor-units"))
        var amount: Int64

        @Option(help: ArgumentHelp("ISO 4217 currency code, e.g. CNY.", valueName: "code"))
        var currency: String

        @Option(help: "What is paid for (1–128 characters).")
        var subject: String

        @Option(help: ArgumentHelp("The merchant's order id, unique per merchant (default: a new one).", valueName: "id"))
        var orderId: String?

        @Option(help: ArgumentHelp("Channel id (default: the gateway picks one that takes the currency).", valueName: "id"))
        var channel: String?

        @Option(help: ArgumentHelp("Where the gateway sends this payment's webhook events.", valueName: "url"))
        var notifyURL: String?

        /// `POST /v1/payments` body.
        struct Body: Encodable {
            var merchant_order_id: String
            var amount: Int64
            var currency: String
            var subject: String
            var channel: String?
            var notify_url: String?
        }

        static let target = "/v1/payments"

        mutating func validate() throws {
            guard amount > 0 else { throw ValidationError("--amount must be a positive number of minor units, not \(amount).") }
            if let orderId, !SigningOptions.isIdentifier(orderId) {
                throw ValidationError("--order-id must be 1–64 characters of [A-Za-z0-9_-], not '\(orderId)'.")
            }
        }

        func run() async throws {
            let body = Body(
                merchant_order_id: orderId ?? Self.newOrderId(), amount: amount, currency: currency, subject: subject,
                channel: channel, notify_url: notifyURL)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let bytes = Array(try encoder.encode(body))
            let client = try options.client()
            let answer: MerchantClient.Answer
            do {
                answer = try await client.send("POST", Self.target, body: bytes)
            } catch {
                throw error.report()
            }
            try Self.print(answer, request: "POST \(client.url.appending(target: Self.target))", json: options.json)
        }

        /// Prints a payment answer as a table or JSON; an answer that is no payment fails with exit 4.
        static func print(_ answer: MerchantClient.Answer, request: String, json: Bool) throws {
            let payment: PaymentView
            do {
                payment = try JSONDecoder().decode(PaymentView.self, from: Data(answer.body))
            } catch {
                throw MerchantClientError.unreadable(request: request, reason: "not a payment: \(error)").report()
            }
            if json {
                Output.printJSON(answer.body)
            } else {
                Swift.print(payment.render(replayed: answer.header("Idempotent-Replayed") == "true"))
            }
        }

        /// `ctl-<Unix ms>-<8 random hex digits>`: unique enough for a person at a terminal.
        static func newOrderId() -> String {
            "ctl-\(MerchantRequestSigner.nowMs())-\(MerchantRequestSigner.randomNonce().prefix(8))"
        }
    }
}
