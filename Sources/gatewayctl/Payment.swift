import ArgumentParser

extension GatewayCtl {
    /// `gatewayctl payment`: look a payment up through the merchant API, signed as a merchant.
    struct Payment: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a payment, signed as a merchant (GET /v1/payments/{id} or ?merchant_order_id=).",
            discussion: """
                Give the gateway's payment id (pay_…) or --order-id with the merchant's order id. It shows the \
                stored payment and never calls the bank: a pending payment is resolved by the gateway's recovery \
                in the background. Only the merchant that created a payment can see it.

                Exit codes: 0 found, 3 gateway unreachable, 4 HTTP error (e.g. 404 payment_not_found, 401) or \
                unreadable answer, 64 usage.
                """
        )

        @OptionGroup var options: MerchantOptions

        @Argument(help: ArgumentHelp("The gateway's payment id, e.g. pay_….", valueName: "payment-id"))
        var id: String?

        @Option(help: ArgumentHelp("Find the payment by the merchant's order id instead.", valueName: "id"))
        var orderId: String?

        mutating func validate() throws {
            switch (id, orderId) {
            case (let id?, nil):
                guard SigningOptions.isIdentifier(id) else {
                    throw ValidationError("the payment id must be 1–64 characters of [A-Za-z0-9_-], not '\(id)'.")
                }
            case (nil, let orderId?):
                guard SigningOptions.isIdentifier(orderId) else {
                    throw ValidationError("--order-id must be 1–64 characters of [A-Za-z0-9_-], not '\(orderId)'.")
                }
            default:
                throw ValidationError("give either a payment id or --order-id.")
            }
        }

        /// The signed target; ids are `[A-Za-z0-9_-]` only, so nothing needs percent-encoding.
        var target: String {
            if let id { return "/v1/payments/\(id)" }
            return "/v1/payments?merchant_order_id=\(orderId ?? "")"
        }

        func run() async throws {
            let client = try options.client()
            let answer: MerchantClient.Answer
            do {
                answer = try await client.send("GET", target)
            } catch {
                throw error.report()
            }
            try Pay.print(answer, request: "GET \(client.url.appending(target: target))", json: options.json)
        }
    }
}
