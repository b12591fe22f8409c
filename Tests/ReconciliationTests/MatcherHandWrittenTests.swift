import ChannelKit
import Foundation
import Testing

@testable import Reconciliation

/// A small case written by hand — no generator — with every class at least once, so that the generator and
/// the matcher cannot share one misreading of the rules.
@Suite struct MatcherHandWrittenTests {
    static let day = BusinessDate(year: 2026, month: 11, day: 24)!
    // 2026-11-24 00:00 in UTC+8 = 2026-11-23T16:00Z.
    static let start: Int64 = 1_795_449_600_000
    static let end: Int64 = start + 86_400_000
    static let hour: Int64 = 3_600_000
    static let cny = Currency(code: "CNY")!

    static func line(
        _ n: Int, _ id: String, bank: String? = nil, kind: TransactionKind = .payment, _ amount: Int64,
        currency: Currency = cny, _ status: StatementRecord.Status = .succeeded, original: String? = nil
    ) -> StatementRecord {
        StatementRecord(
            lineNumber: n, businessDate: day, finishedAt: Date(timeIntervalSince1970: Double(start + 10 * hour) / 1000),
            transactionId: id, bankTransactionId: bank ?? "JN\(id)", kind: kind,
            amount: Money(minorUnits: amount, currency: currency), fee: Money(minorUnits: 0, currency: currency),
            status: status, originalTransactionId: original)
    }

    @Test func everyRowGetsTheClassWrittenHere() {
        var ledger = LedgerTable()
        func row(_ id: String, _ amount: Int64, _ status: LedgerStatus, at: Int64 = Self.start + 10 * Self.hour,
                 kind: TransactionKind = .payment, bank: String? = nil, currency: String = "CNY") {
            ledger.append(id: id, bankId: bank, kind: kind, amount: amount, currency: currency, status: status, dayAt: at)
        }
        row("pay_match", 1000, .succeeded)
        row("pay_declined", 500, .declined)
        row("pay_notsent", 700, .notProcessed)
        row("pay_failed_both", 800, .declined)
        row("pay_pending_paid", 1200, .pending)
        row("pay_pending_failed", 1300, .processing)
        row("pay_open_absent", 1400, .pending)
        row("pay_short", 1500, .succeeded)                       // 短款
        row("pay_amount", 1600, .succeeded)
        row("pay_currency", 1700, .succeeded)
        row("pay_status", 1800, .succeeded)
        row("pay_status_rev", 1900, .declined)
        row("pay_dup", 2000, .succeeded)
        row("pay_late", 2100, .succeeded, at: Self.end - 60_000)        // 23:59 — the bank books it tomorrow
        row("pay_bankid_only", 2200, .succeeded, bank: "JN-B-7")   // the bank echoes a different id
        row("ref_match", 300, .succeeded, kind: .refund)

        var matcher = ReconciliationMatcher(ledger: ledger, statementDate: Self.day, window: Self.start..<Self.end, timingMargin: 5 * 60_000)
        let usd = Currency(code: "USD")!
        matcher.add(StatementBatch(
            records: [
                Self.line(2, "pay_match", 1000),
                Self.line(3, "pay_failed_both", 800, .failed),
                Self.line(4, "pay_pending_paid", 1200),
                Self.line(5, "pay_pending_failed", 1300, .failed),
                Self.line(6, "pay_amount", 1666),
                Self.line(7, "pay_currency", 1700, currency: usd),
                Self.line(8, "pay_status", 1800, .failed),
                Self.line(9, "pay_status_rev", 1900),
                Self.line(10, "pay_dup", 2000),
                Self.line(11, "pay_dup", 2000),
                Self.line(12, "pay_long", 2300),                                 // 长款
                Self.line(13, "ref_unknown", kind: .refund, 50, original: "pay_nowhere"),
                Self.line(14, "ref_match", kind: .refund, 300, original: "pay_match"),
                Self.line(15, "pay_early", 2400),                                // ledger: 00:01 tomorrow
                Self.line(16, "pay_other_id", bank: "JN-B-7", 2200),
                Self.line(17, "pay_old_pending", 2500),                          // open in the ledger, 3 days ago
                Self.line(18, "pay_long", 2300),                                 // duplicate of a line the ledger lacks
            ],
            issues: [StatementIssue(lineNumber: 19, line: "garbage,,", reason: "expected 10 fields")]))
        matcher.add(StatementBatch(
            records: [], issues: [StatementIssue(lineNumber: 20, line: "#TOTAL,99,1,0", reason: "trailer row_count 99 but the file has 18 rows")],
            trailer: StatementTrailer(lineNumber: 20, recordCount: 99, amountTotal: 1, feeTotal: 0)))
        #expect(matcher.idsToLookUp == ["pay_early", "pay_long", "pay_nowhere", "pay_old_pending", "ref_unknown"])
        let lookups: [String: LedgerFields] = [
            "pay_early": LedgerFields(transactionId: "pay_early", bankTransactionId: "JNpay_early", kind: .payment, amount: 2400, currency: "CNY", status: .succeeded, dayAt: Self.end + 60_000),
            "pay_old_pending": LedgerFields(transactionId: "pay_old_pending", bankTransactionId: nil, kind: .payment, amount: 2500, currency: "CNY", status: .pending, dayAt: Self.start - 3 * 24 * Self.hour),
        ]
        let result = matcher.finish(lookups: lookups)

        var byId: [String: [BreakClass]] = [:]
        for item in result.items { byId[item.transactionId ?? "line \(item.lineNumber ?? -1)", default: []].append(item.breakClass) }
        #expect(byId == [
            "pay_pending_paid": [.compensated],
            "pay_pending_failed": [.compensated],
            "pay_old_pending": [.compensated],
            "pay_open_absent": [.openNotAtBank],
            "pay_long": [.missingInLedger, .duplicateInStatement],
            "pay_short": [.missingAtBank],
            "pay_amount": [.amountMismatch],
            "pay_currency": [.currencyMismatch],
            "pay_status": [.statusMismatch],
            "pay_status_rev": [.statusMismatch],
            "pay_dup": [.duplicateInStatement],
            "ref_unknown": [.refundOfUnknownPayment],
            "line 19": [.unparseableLine],
            "pay_late": [.timing],
            "pay_early": [.timing],
        ])
        func count(_ c: BreakClass) -> Int { result.totals[c]?.count ?? 0 }
        #expect(count(.matched) == 4)            // pay_match, ref_match, pay_bankid_only (by the bank's id), pay_dup's first line
        #expect(count(.matchedNoCharge) == 3)    // pay_declined, pay_notsent (absent), pay_failed_both (FAILED)
        #expect(result.totals[.matched]?.amounts == ["CNY": 1000 + 300 + 2200 + 2000])
        #expect(result.totals[.currencyMismatch]?.amounts == ["USD": 1700])
        #expect(result.totals[.amountMismatch]?.amounts == ["CNY": 1666])
        #expect(result.totals[.missingAtBank]?.amounts == ["CNY": 1500])
        // Every line (17 records + 1 unparseable) and every window row (16) is in exactly one class; pairs count once.
        let total = result.totals.values.reduce(0) { $0 + $1.count }
        #expect(result.statementLines == 18)
        #expect(result.ledgerRows == 16)
        // lines: 18; window rows without a line: declined, notsent, open_absent, short, late = 5; pairs share a class.
        #expect(total == 18 + 5)
        #expect(result.findings.map(\.code) == ["trailer_mismatch"])
    }

    @Test func carriedItemsSettleOrPersistWithoutCountingToday() {
        // Yesterday's timing row (ledger side) arrives on today's statement; yesterday's missing_in_ledger line
        // is still missing.
        var ledger = LedgerTable()
        ledger.append(id: "pay_today", bankId: nil, kind: .payment, amount: 100, currency: "CNY", status: .succeeded, dayAt: Self.start + Self.hour)
        ledger.append(id: "pay_yesterday_late", bankId: nil, kind: .payment, amount: 200, currency: "CNY", status: .succeeded, dayAt: Self.start - 60_000, origin: .carried)
        ledger.append(id: "pay_yesterday_short", bankId: nil, kind: .payment, amount: 300, currency: "CNY", status: .succeeded, dayAt: Self.start - Self.hour, origin: .carried)
        var matcher = ReconciliationMatcher(ledger: ledger, statementDate: Self.day, window: Self.start..<Self.end, timingMargin: 300_000)
        matcher.add(StatementBatch(records: [Self.line(2, "pay_today", 100), Self.line(3, "pay_yesterday_late", 200)], issues: []))
        matcher.addCarried(Self.line(7, "pay_ghost", 400))
        let result = matcher.finish(lookups: [:])
        #expect(result.carriedResolved == ["pay_yesterday_late"])
        #expect(result.items.map { "\($0.transactionId!):\($0.breakClass.rawValue):\($0.carried)" } == [
            "pay_ghost:missing_in_ledger:true", "pay_yesterday_short:missing_at_bank:true",
        ])
        #expect(result.totals[.matched]?.count == 2)   // both of today's lines
        #expect(result.totals[.missingInLedger] == nil)
        #expect(result.totals[.missingAtBank] == nil)
    }

    @Test func discrepancyFilesAreStableAndEscaped() {
        let item = ReconciliationItem(
            breakClass: .unparseableLine,
            issue: StatementIssue(lineNumber: 9, line: "=HYPERLINK(\"x\"),a", reason: "bad, \"quoted\""))
        let csv = String(decoding: DiscrepancyFiles.csv([item], date: Self.day), as: UTF8.self)
        #expect(csv.hasSuffix("\"bad, \"\"quoted\"\": =HYPERLINK(\"\"x\"\"),a\"\n"))
        let json = String(decoding: DiscrepancyFiles.jsonLines([item], date: Self.day), as: UTF8.self)
        #expect(json == "{\"class\":\"unparseable_line\",\"carried\":false,\"break_key\":\"line:20261124:9\",\"line_number\":9,\"issue\":\"bad, \\\"quoted\\\": =HYPERLINK(\\\"x\\\"),a\"}\n")
        #expect(DiscrepancyFiles.timestamp(ms: Self.start) == "2026-11-23T16:00:00.000Z")
        #expect(DiscrepancyFiles.timestamp(ms: 951_782_400_123) == "2000-02-29T00:00:00.123Z")
    }

    /// The bank's id is a fallback: a line pairs by it only after every line had the chance to pair by its own
    /// id, so a row is never taken from the line that names it, whatever the order of the lines.
    @Test func theBankIdFallbackNeverTakesARowFromItsOwnLine() {
        for order in [[0, 1], [1, 0]] {
            var ledger = LedgerTable()
            ledger.append(id: "pay_r", bankId: "JN-R", kind: .payment, amount: 100, currency: "CNY", status: .succeeded, dayAt: Self.start + Self.hour)
            ledger.append(id: "pay_s", bankId: "JN-S", kind: .payment, amount: 200, currency: "CNY", status: .succeeded, dayAt: Self.start + Self.hour)
            var matcher = ReconciliationMatcher(ledger: ledger, statementDate: Self.day, window: Self.start..<Self.end, timingMargin: 0)
            let lines = [
                Self.line(2, "pay_echoed_wrong", bank: "JN-R", 100),  // names no row; the bank's id is pay_r's
                Self.line(3, "pay_r", bank: "JN-R", 100),             // names pay_r
            ]
            matcher.add(StatementBatch(records: order.map { lines[$0] } + [Self.line(4, "pay_other", bank: "JN-S", 200)], issues: []))
            #expect(matcher.idsToLookUp == [])
            let result = matcher.finish(lookups: [:])
            // pay_r pairs with its own line; the line that only shares its bank id is the duplicate; pay_s pairs by
            // its bank id.
            #expect(result.items.map(\.breakClass) == [.duplicateInStatement], "order \(order)")
            #expect(result.items.first?.statement?.transactionId == "pay_echoed_wrong")
            #expect(result.totals[.matched]?.count == 2)
        }
    }

    /// Rows found where the previous line's row was (both sides in time order) or anywhere else in the table
    /// pair the same: the guess only saves a probe.
    @Test func linesInAnyOrderPairTheSame() {
        var ledger = LedgerTable()
        for n in 0..<1000 {
            ledger.append(id: "pay_\(n)", bankId: "JN\(n)", kind: n % 10 == 0 ? .refund : .payment, amount: Int64(n + 1), currency: "CNY", status: .succeeded, dayAt: Self.start + Int64(n))
        }
        func run(_ numbers: [Int]) -> ReconciliationResult {
            var matcher = ReconciliationMatcher(ledger: ledger, statementDate: Self.day, window: Self.start..<Self.end, timingMargin: 0)
            matcher.add(StatementBatch(records: numbers.map { n in
                Self.line(n + 2, "pay_\(n)", bank: "JN\(n)", kind: n % 10 == 0 ? .refund : .payment, Int64(n + 1), original: n % 10 == 0 ? "pay_x" : nil)
            }, issues: []))
            _ = matcher.idsToLookUp
            return matcher.finish(lookups: [:])
        }
        let inOrder = run(Array(0..<1000))
        var generator = SystemRandomNumberGenerator()
        let shuffled = run(Array(0..<1000).shuffled(using: &generator))
        #expect(inOrder.totals[.matched]?.count == 1000)
        #expect(inOrder.items.isEmpty)
        #expect(shuffled.totals == inOrder.totals)
        #expect(shuffled.items.isEmpty)
    }

    /// A statement whose lines all miss by id but carry the bank's ids (more of them than one fallback pass
    /// holds) still pairs every line, pass by pass.
    @Test func manyLinesFoundOnlyByTheBankIdArePairedInPasses() {
        let count = ReconciliationMatcher.bankIdPass + 1000
        var ledger = LedgerTable(capacity: count)
        for n in 0..<count {
            ledger.append(id: "pay_\(n)", bankId: "JN\(n)", kind: .payment, amount: 100, currency: "CNY", status: .succeeded, dayAt: Self.start + Int64(n))
        }
        var matcher = ReconciliationMatcher(ledger: ledger, statementDate: Self.day, window: Self.start..<Self.end, timingMargin: 0)
        var lines: [StatementRecord] = []
        for n in 0..<count { lines.append(Self.line(n + 2, "other_\(n)", bank: "JN\(n)", 100)) }
        matcher.add(StatementBatch(records: lines, issues: []))
        #expect(matcher.idsToLookUp.isEmpty)
        let result = matcher.finish(lookups: [:])
        #expect(result.totals[.matched]?.count == count)
        #expect(result.items.isEmpty)
    }
}
