import ChannelKit
import Foundation
import Reconciliation

/// Makes one channel's business day: `rows` settled payments and refunds in the ledger and on the statement,
/// plus a known number of each discrepancy class (`each`), and the answer key — the count and amount total per
/// class the matcher must find. Deterministic for a seed.
struct ReconDataGenerator {
    var channel: String
    var date: BusinessDate
    var timeZone: String
    var currency: String
    var merchant: String
    var rows: Int
    var each: Int
    var seed: UInt64
    var timingMarginSeconds = 300
    /// The bank's transaction ids: a prefix and this many digits (Jiangnan `JN` + 18).
    var bankIdPrefix = "JN"
    var bankIdDigits = 18

    struct AnswerKey: Codable, Sendable {
        var channel: String
        var businessDate: String
        var timeZone: String
        var rows: Int
        var each: Int
        var seed: UInt64
        var ledgerRows: Int
        var statementLines: Int
        var classes: [String: ClassTotal]

        enum CodingKeys: String, CodingKey {
            case channel, rows, each, seed, classes
            case businessDate = "business_date"
            case timeZone = "time_zone"
            case ledgerRows = "ledger_rows"
            case statementLines = "statement_lines"
        }
    }

    func generate(into sink: inout some GeneratedDataSink) async throws -> AnswerKey {
        guard let start = date.start(in: timeZone), let next = date.next?.start(in: timeZone) else {
            throw ValidationFailure("no business day \(date) in \(timeZone)")
        }
        let dayStart = Int64((start.timeIntervalSince1970 * 1000).rounded())
        let dayEnd = Int64((next.timeIntervalSince1970 * 1000).rounded())
        // Ordinary rows keep 10 minutes away from both cut-offs (the timing class is injected on purpose).
        let spanStart = dayStart + 600_000, span = dayEnd - dayStart - 1_200_000
        var random = GeneratorRandom(state: seed)
        var classes: [BreakClass: ClassTotal] = [:]
        var ledgerRows = 0, statementLines = 0
        var orders = 0
        func count(_ c: BreakClass, _ amount: Int64?, _ currency: String) {
            if let amount { classes[c, default: ClassTotal()].add(amount, currency) } else { classes[c, default: ClassTotal()].count += 1 }
        }
        func fee(_ amount: Int64) -> Int64 { amount * 6 / 1000 }
        let (prefix, digits) = (bankIdPrefix, bankIdDigits)
        func bankId() -> String {
            let value = String(random.next() % 1_000_000_000_000_000_000)
            return prefix + String(repeating: "0", count: max(0, digits - value.count)) + value
        }
        func payment(at time: Int64, amount: Int64, status: String, notProcessed: Bool = false, finished: Bool = true, bank: String?)
            -> GeneratedLedgerRow
        {
            orders += 1
            return GeneratedLedgerRow(
                kind: .payment, id: random.id("pay_", at: time), paymentId: nil, orderId: "gen-\(orders)", bankId: bank,
                amount: amount, currency: currency, status: status, notProcessed: notProcessed, createdAt: time - 800,
                finishedAt: finished ? time : nil)
        }
        func line(_ row: GeneratedLedgerRow, amount: Int64? = nil, currency lineCurrency: String? = nil, succeeded: Bool = true)
            -> GeneratedLine
        {
            let value = amount ?? row.amount
            return .record(
                kind: row.kind, id: row.id, bankId: row.bankId ?? bankId(), amount: value,
                fee: succeeded && row.kind == .payment ? fee(value) : 0, currency: lineCurrency ?? currency,
                succeeded: succeeded, finishedAt: row.finishedAt ?? row.createdAt, originalId: row.paymentId)
        }
        func emit(_ row: GeneratedLedgerRow) async throws {
            try await sink.ledger(row)
            ledgerRows += 1
        }
        func emit(_ item: GeneratedLine) throws {
            try sink.line(item)
            statementLines += 1
        }

        // The bulk: settled payments, every tenth row a partial refund of the payment before it.
        var previous: GeneratedLedgerRow?
        for index in 0..<rows {
            let time = spanStart + Int64(index) * span / Int64(max(rows, 1))
            let row: GeneratedLedgerRow
            if index % 10 == 9, let paid = previous {
                row = GeneratedLedgerRow(
                    kind: .refund, id: random.id("ref_", at: time), paymentId: paid.id, orderId: "gen-r\(index)",
                    bankId: bankId(), amount: max(1, paid.amount / 3), currency: currency, status: "succeeded",
                    notProcessed: false, createdAt: time - 800, finishedAt: time)
            } else {
                row = payment(at: time, amount: random.amount(), status: "succeeded", bank: bankId())
                previous = row
            }
            try await emit(row)
            try emit(line(row))
            count(.matched, row.amount, currency)
        }

        // The injected classes, `each` of every kind of case, at times spread over the day.
        func at(_ n: Int, _ lane: Int) -> Int64 { spanStart + (Int64(n) * 7919 + Int64(lane) * 104_729) % span }
        for n in 0..<each {
            // matched_no_charge: declined (half of them never processed) and absent; declined and FAILED.
            let declined = payment(at: at(n, 1), amount: random.amount(), status: "declined", notProcessed: n % 2 == 0, bank: nil)
            try await emit(declined)
            count(.matchedNoCharge, declined.amount, currency)
            let failedBoth = payment(at: at(n, 2), amount: random.amount(), status: "declined", bank: bankId())
            try await emit(failedBoth)
            try emit(line(failedBoth, succeeded: false))
            count(.matchedNoCharge, failedBoth.amount, currency)
            // compensated: pending in the ledger, SUCCESS or FAILED on the statement.
            for succeeded in [true, false] {
                let open = payment(at: at(n, succeeded ? 3 : 4), amount: random.amount(), status: "pending", finished: false, bank: nil)
                try await emit(open)
                try emit(line(open, succeeded: succeeded))
                count(.compensated, open.amount, currency)
            }
            // open_not_at_bank
            let stillOpen = payment(at: at(n, 5), amount: random.amount(), status: "pending", finished: false, bank: nil)
            try await emit(stillOpen)
            count(.openNotAtBank, stillOpen.amount, currency)
            // missing_in_ledger (长款): on the statement only.
            let ghost = payment(at: at(n, 6), amount: random.amount(), status: "succeeded", bank: bankId())
            try emit(line(ghost))
            count(.missingInLedger, ghost.amount, currency)
            // missing_at_bank (短款): succeeded in the ledger only.
            let short = payment(at: at(n, 7), amount: random.amount(), status: "succeeded", bank: bankId())
            try await emit(short)
            count(.missingAtBank, short.amount, currency)
            // amount_mismatch
            let differs = payment(at: at(n, 8), amount: random.amount(), status: "succeeded", bank: bankId())
            try await emit(differs)
            let bankAmount = differs.amount + 1 + Int64(random.next() % 99)
            try emit(line(differs, amount: bankAmount))
            count(.amountMismatch, bankAmount, currency)
            // currency_mismatch
            let foreign = payment(at: at(n, 9), amount: random.amount(), status: "succeeded", bank: bankId())
            try await emit(foreign)
            let otherCurrency = currency == "USD" ? "EUR" : "USD"
            try emit(line(foreign, currency: otherCurrency))
            count(.currencyMismatch, foreign.amount, otherCurrency)
            // status_mismatch: succeeded but FAILED at the bank; declined but SUCCESS at the bank.
            let failedAtBank = payment(at: at(n, 10), amount: random.amount(), status: "succeeded", bank: bankId())
            try await emit(failedAtBank)
            try emit(line(failedAtBank, succeeded: false))
            count(.statusMismatch, failedAtBank.amount, currency)
            let paidAtBank = payment(at: at(n, 11), amount: random.amount(), status: "declined", bank: bankId())
            try await emit(paidAtBank)
            try emit(line(paidAtBank))
            count(.statusMismatch, paidAtBank.amount, currency)
            // duplicate_in_statement: a settled payment whose line is there twice.
            let twice = payment(at: at(n, 12), amount: random.amount(), status: "succeeded", bank: bankId())
            try await emit(twice)
            let copy = line(twice)
            try emit(copy)
            try emit(copy)
            count(.matched, twice.amount, currency)
            count(.duplicateInStatement, twice.amount, currency)
            // refund_of_unknown_payment
            let stray = GeneratedLedgerRow(
                kind: .refund, id: random.id("ref_", at: at(n, 13)), paymentId: random.id("pay_", at: at(n, 13) - 86_400_000 * 40),
                orderId: "", bankId: bankId(), amount: random.amount(), currency: currency, status: "succeeded",
                notProcessed: false, createdAt: at(n, 13), finishedAt: at(n, 13))
            try emit(line(stray))
            count(.refundOfUnknownPayment, stray.amount, currency)
            // unparseable_line
            try emit(.garbage("garbage line \(n) of the generator,not a record"))
            count(.unparseableLine, nil, currency)
            // timing: succeeded a minute before the cut-off; the bank books it tomorrow.
            let late = payment(at: dayEnd - 60_000 - Int64(n) * 100, amount: random.amount(), status: "succeeded", bank: bankId())
            try await emit(late)
            count(.timing, late.amount, currency)
        }
        try await sink.finish()
        var key: [String: ClassTotal] = [:]
        for (c, total) in classes { key[c.rawValue] = total }
        return AnswerKey(
            channel: channel, businessDate: date.description, timeZone: timeZone, rows: rows, each: each, seed: seed,
            ledgerRows: ledgerRows, statementLines: statementLines, classes: key)
    }
}

struct ValidationFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
