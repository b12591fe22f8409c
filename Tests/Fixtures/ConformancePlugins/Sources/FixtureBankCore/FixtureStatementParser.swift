import ChannelKit
import Foundation

/// Parses the fixture bank's statement: `H|merchant|yyyyMMdd`, then `R|id|bank_id|P or R|amount|fee|S or F|original`
/// lines and `#` note lines, then `T|count|amount_total|fee_total`.
struct FixtureStatementParser: Sendable {
    let businessDate: BusinessDate
    /// The bug: note lines are skipped instead of reported.
    let skipsNotes: Bool
    let gatewayId: @Sendable (String) -> String

    func parse(_ data: Data, batchSize: Int) throws -> [StatementBatch] {
        var lines = String(decoding: data, as: UTF8.self).components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        var batches: [StatementBatch] = []
        var current = StatementBatch(records: [], issues: [])
        var trailer: StatementTrailer?
        let cny = Currency(code: "CNY")!
        for (index, line) in lines.enumerated() {
            let number = index + 1
            let fields = line.components(separatedBy: "|")
            if number == 1 && fields.first == "H" { continue }
            if line.hasPrefix("#") {
                if skipsNotes { continue }
                current.issues.append(StatementIssue(lineNumber: number, line: line, reason: "a note line, not a transaction"))
            } else if fields.first == "T", fields.count == 4, let count = Int(fields[1]), let amount = Int64(fields[2]),
                let fee = Int64(fields[3])
            {
                trailer = StatementTrailer(lineNumber: number, recordCount: count, amountTotal: amount, feeTotal: fee)
            } else if fields.first == "R", fields.count == 8, let amount = Int64(fields[4]), let fee = Int64(fields[5]),
                ["P", "R"].contains(fields[3]), ["S", "F"].contains(fields[6])
            {
                current.records.append(
                    StatementRecord(
                        lineNumber: number, businessDate: businessDate, finishedAt: nil, transactionId: gatewayId(fields[1]),
                        bankTransactionId: fields[2], kind: fields[3] == "P" ? .payment : .refund,
                        amount: Money(minorUnits: amount, currency: cny), fee: Money(minorUnits: fee, currency: cny),
                        status: fields[6] == "S" ? .succeeded : .failed,
                        originalTransactionId: fields[7].isEmpty ? nil : gatewayId(fields[7])))
            } else {
                current.issues.append(StatementIssue(lineNumber: number, line: line, reason: "not a statement line"))
            }
            if current.records.count + current.issues.count >= batchSize {
                batches.append(current)
                current = StatementBatch(records: [], issues: [])
            }
        }
        if trailer == nil { current.issues.append(StatementIssue(lineNumber: 0, line: "", reason: "no trailer")) }
        current.trailer = trailer
        batches.append(current)
        return batches
    }
}
