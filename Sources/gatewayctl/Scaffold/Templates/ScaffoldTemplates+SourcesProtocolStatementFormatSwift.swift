extension ScaffoldTemplates {
    /// `Sources/{{Module}}Protocol/{{Module}}StatementFormat.swift` of a generated package.
    static let sourcesProtocolStatementFormatSwift = ScaffoldFile(
        "Sources/{{Module}}Protocol/{{Module}}StatementFormat.swift",
        #"""
/// The example bank's daily statement: UTF-8 CSV, one header line, one line per transaction finished that day
/// (UTC), and a trailer `TOTAL,<lines>,<amount sum>,<fee sum>` over every transaction line. Amounts and fees
/// are integer minor units. The file is signed: the hex HMAC-SHA256 of its bytes in `X-{{Module}}-Signature`.
///
/// PARTNER: your bank's statement layout (columns, separators, trailer, time zone, amount format).
public enum {{Module}}StatementFormat {
    public static let header = "txn_id,bank_txn_id,kind,amount,currency,fee,state,finished_at,orig_txn_id"
    public static let trailerTag = "TOTAL"

    /// One statement line as the bank writes it.
    public struct Line: Equatable, Sendable {
        public var transactionId: String
        public var bankTransactionId: String
        public var kind: String
        public var amount: Int64
        public var currency: String
        public var fee: Int64
        public var state: String
        public var finishedAt: Int64
        public var originalTransactionId: String

        public init(
            transactionId: String, bankTransactionId: String, kind: String, amount: Int64, currency: String,
            fee: Int64, state: String, finishedAt: Int64, originalTransactionId: String
        ) {
            self.transactionId = transactionId
            self.bankTransactionId = bankTransactionId
            self.kind = kind
            self.amount = amount
            self.currency = currency
            self.fee = fee
            self.state = state
            self.finishedAt = finishedAt
            self.originalTransactionId = originalTransactionId
        }

        /// The CSV line (without its newline).
        public var text: String {
            [transactionId, bankTransactionId, kind, String(amount), currency, String(fee), state, String(finishedAt),
             originalTransactionId].joined(separator: ",")
        }

        /// Parses a transaction line; `nil` with a reason when it is not one.
        public static func parse(_ text: Substring) -> Result<Line, LineError> {
            let columns = text.split(separator: ",", omittingEmptySubsequences: false)
            guard columns.count == 9 else { return .failure(LineError("expected 9 columns, found \(columns.count)")) }
            guard let amount = Int64(columns[3]), amount > 0 else { return .failure(LineError("amount is not a positive integer")) }
            guard let fee = Int64(columns[5]), fee >= 0 else { return .failure(LineError("fee is not an integer ≥ 0")) }
            guard let finished = Int64(columns[7]) else { return .failure(LineError("finished_at is not Unix seconds")) }
            guard !columns[0].isEmpty else { return .failure(LineError("txn_id is empty")) }
            return .success(
                Line(
                    transactionId: String(columns[0]), bankTransactionId: String(columns[1]), kind: String(columns[2]),
                    amount: amount, currency: String(columns[4]), fee: fee, state: String(columns[6]),
                    finishedAt: finished, originalTransactionId: String(columns[8])))
        }
    }

    /// The trailer line of `lines`.
    public static func trailer(count: Int, amountTotal: Int64, feeTotal: Int64) -> String {
        "\(trailerTag),\(count),\(amountTotal),\(feeTotal)"
    }

    /// Why a line could not be read.
    public struct LineError: Error, Equatable, Sendable {
        public var reason: String
        public init(_ reason: String) { self.reason = reason }
    }
}
"""#)
}
