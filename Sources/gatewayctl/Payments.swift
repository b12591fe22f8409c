import ArgumentParser
import GatewayAPI

extension GatewayCtl {
    /// `gatewayctl payments …`: any merchant's payments, for ops (admin API; `payment` is the merchant's view).
    struct Payments: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Look payments up as ops: by id, by merchant order, or the ones open too long.",
            subcommands: [Show.self, Find.self, Pending.self]
        )

        static let exitCodes = """
            Exit codes: 0 found, 3 gateway unreachable, 4 HTTP error (404 payment_not_found, 400 invalid_request) \
            or unreadable answer, 5 admin token missing or refused, 64 usage.
            """

        /// One payment as `key  value` lines.
        static func render(_ payment: AdminPayment) -> String {
            let lines: [(String, String?)] = [
                ("payment", payment.id), ("merchant", payment.merchantId), ("order", payment.merchantOrderId),
                ("channel", payment.channel), ("amount", "\(payment.amount) \(payment.currency) (minor units)"),
                ("status", payment.status + (payment.needsAttention ? " (needs attention)" : "")),
                ("reason", payment.outcomeReason), ("bank code", payment.bankCode), ("bank message", payment.bankMessage),
                ("bank id", payment.bankTransactionId), ("created", payment.createdAt), ("updated", payment.updatedAt),
                ("finished", payment.finishedAt), ("age", "\(payment.ageSeconds) s"),
            ]
            let width = lines.map(\.0.count).max() ?? 0
            let fields = lines.map { key, value in
                key + String(repeating: " ", count: width - key.count) + "  " + (value.flatMap { $0.isEmpty ? nil : $0 } ?? "-")
            }.joined(separator: "\n")
            guard let attempts = payment.attempts, !attempts.isEmpty else { return fields }
            var table = Table("#", "CHANNEL", "TRANSACTION", "STATUS", "REASON", "BANK CODE", "BANK ID", "STARTED", "FAILOVER")
            for attempt in attempts {
                table.append(
                    "\(attempt.number)", attempt.channel, attempt.transactionId, attempt.status, attempt.outcomeReason,
                    attempt.bankCode, attempt.bankTransactionId, attempt.createdAt, attempt.failoverReason)
            }
            return fields + "\n\nATTEMPTS\n" + table.render()
        }
    }
}
