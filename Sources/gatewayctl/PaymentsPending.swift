import ArgumentParser
import GatewayAPI

extension GatewayCtl.Payments {
    /// `gatewayctl payments pending`.
    struct Pending: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List payments open (processing or pending) longer than a threshold, oldest first.",
            discussion: """
                GET /admin/payments/pending. An open payment is resolved by the recovery worker and bank \
                notifications; one open longer than the gateway's alert age is marked as needing attention. \
                \(GatewayCtl.Payments.exitCodes)
                """)

        @OptionGroup var options: GlobalOptions

        @Option(help: ArgumentHelp("Only payments open longer than this many seconds.", valueName: "seconds"))
        var olderThan = 300

        @Option(help: "At most this many payments (1–1000).")
        var limit = 100

        func validate() throws {
            guard olderThan >= 0 else { throw ValidationError("--older-than must be 0 or more seconds") }
            guard (1...1000).contains(limit) else { throw ValidationError("--limit must be between 1 and 1000") }
        }

        func run() async throws {
            let path = "/admin/payments/pending?older_than=\(olderThan)&limit=\(limit)"
            let body = try await options.fetch(path)
            if options.json { return options.printJSON(body) }
            let pending = try options.decode(AdminPendingPayments.self, from: body, path: path)
            guard !pending.payments.isEmpty else {
                print("no payment open longer than \(pending.olderThanSeconds) s")
                return
            }
            var table = Table("PAYMENT", "MERCHANT", "ORDER", "CHANNEL", "AMOUNT", "STATUS", "REASON", "AGE", "ATTENTION")
            for payment in pending.payments {
                table.append(
                    payment.id, payment.merchantId, payment.merchantOrderId, payment.channel,
                    "\(payment.amount) \(payment.currency)", payment.status, payment.outcomeReason, "\(payment.ageSeconds) s",
                    payment.needsAttention ? "yes" : nil)
            }
            print(table.render())
        }
    }
}
