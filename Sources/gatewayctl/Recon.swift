import ArgumentParser
import Foundation
import GatewayAPI

extension GatewayCtl {
    /// `gatewayctl recon …`: reconciliation (对账) of channels' statements against the ledger.
    struct Recon: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reconcile a channel's day, list runs and breaks, resolve a break by hand.",
            subcommands: [Run.self, Runs.self, Breaks.self, Resolve.self]
        )

        static let exitCodes = """
            Exit codes: 0 done (recon run: reconciled, no break and no finding), 2 recon run: reconciled with breaks \
            or findings (see the discrepancy file), 3 gateway unreachable, 4 HTTP error (404 unknown_channel / \
            unknown_break, 409 statement_not_ready, 422 statement_unsupported, 502 statement_unavailable) or \
            unreadable answer, 5 admin token missing or refused, 64 usage.
            """

        /// `12,345.67 CNY`-free rendering: minor units and currency, one per currency.
        static func amounts(_ amounts: [String: Int64]) -> String {
            amounts.keys.sorted().map { "\(amounts[$0]!) \($0)" }.joined(separator: ", ")
        }

        /// `&channel=…` for a list path (nothing without a channel).
        static func channelQuery(_ channel: String?) -> String {
            guard let channel else { return "" }
            return "&channel=\(channel.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? channel)"
        }

        /// The order classes are shown in.
        static let classOrder = [
            "matched", "matched_no_charge", "compensated", "open_not_at_bank", "missing_in_ledger", "missing_at_bank",
            "amount_mismatch", "currency_mismatch", "status_mismatch", "duplicate_in_statement",
            "refund_of_unknown_payment", "unparseable_line", "timing",
        ]

        /// Classes that are not breaks.
        static let settled: Set<String> = ["matched", "matched_no_charge", "compensated", "open_not_at_bank"]

        static func breakCount(_ run: AdminReconRun) -> Int {
            run.totals.filter { !settled.contains($0.key) && $0.key != "timing" }.values.reduce(0) { $0 + $1.count }
        }
    }
}
