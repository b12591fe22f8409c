import ChannelKit

/// Matches one business day's statement against the ledger table and puts every statement line and every
/// ledger row of the window into exactly one ``BreakClass``.
///
/// The ledger side is the build side (``LedgerTable``, compact); the statement streams through ``add(_:)``
/// batch by batch and is not kept: a line that pairs with a ledger row is classified at once, and only lines
/// that are reported (breaks, compensations) or still need a lookup by id are kept as values.
///
/// Order of use: ``add(_:)`` for every batch of the day's statement; ``addCarried(_:)`` for statement lines
/// carried in from earlier runs' breaks; then ``idsToLookUp`` → the caller reads those ids from the ledger
/// (in any day) → ``finish(lookups:)``.
public struct ReconciliationMatcher: Sendable {
    public let statementDate: BusinessDate
    /// The business day in ms since 1970: [start, end).
    public let window: Range<Int64>
    /// A ledger row finished this close to the day's cut-off may have been booked by the bank on the
    /// neighbouring day.
    public let timingMargin: Int64

    private var ledger: LedgerTable
    private var totals: [BreakClass: ClassTotal] = [:]
    private var items: [ReconciliationItem] = []
    private var unpaired: [(record: StatementRecord, carried: Bool)] = []
    private var unpairedLines = Set<String>()
    private var issues: [StatementIssue] = []
    private var trailer: StatementTrailer?
    private var statementLines = 0
    private var carriedResolved: [String] = []
    /// Lines no row has by their id, waiting for the bank-id fallback.
    private var byBankId: [(record: StatementRecord, carried: Bool)] = []
    private var carriedStarted = false
    /// Lines kept for the bank-id fallback before a pass over the table resolves them.
    static let bankIdPass = 65_536
    /// Where the next line's row probably is, per kind (payments, refunds): after the previous one's.
    private var nextPayment: Int?
    private var nextRefund: Int?
    /// `matched` pairs in the most common currency, counted without a dictionary per line.
    private var fastCurrency = CurrencyCode("")
    private var fastCurrencyText = ""
    private var fastMatchedCount = 0
    private var fastMatchedAmount: Int64 = 0

    /// `ledger` is taken over (pass it with `consume`: a copy still held elsewhere would make the index build
    /// copy the whole table).
    public init(ledger: consuming LedgerTable, statementDate: BusinessDate, window: Range<Int64>, timingMargin: Int64) {
        self.ledger = ledger
        self.ledger.buildIndex()
        self.statementDate = statementDate
        self.window = window
        self.timingMargin = timingMargin
    }

    // MARK: - The statement

    /// One batch of the day's statement, in file order.
    public mutating func add(_ batch: StatementBatch) {
        batch.records.withUnsafeBufferPointer { records in
            for index in records.indices {
                statementLines += 1
                pairByIdOrDefer(records[index], carried: false)
            }
        }
        issues.append(contentsOf: batch.issues)
        if let found = batch.trailer { trailer = found }
    }

    /// A statement line of an earlier day that an open break carries into this run: it settles (no item)
    /// or is reported again as carried. Call after every batch of the day's own statement.
    public mutating func addCarried(_ record: StatementRecord) {
        // Today's lines found by no id take their fallback first, as if the carried lines came after them.
        if !carriedStarted {
            carriedStarted = true
            resolveByBankId()
        }
        pairByIdOrDefer(record, carried: true)
    }

    /// Pairs a line with the row of its id, or keeps it for the bank-id fallback (``resolveByBankId()``).
    private mutating func pairByIdOrDefer(_ record: StatementRecord, carried: Bool) {
        var id = record.transactionId
        let isPayment = record.kind == .payment
        let near = isPayment ? nextPayment : nextRefund
        let position = id.withUTF8 { bytes -> Int? in
            let raw = UnsafeRawBufferPointer(bytes)
            return ledger.find(id: raw, hash: KeyHash.hash(raw), near: near)
        }
        guard let position else {
            byBankId.append((record, carried))
            // Bounded: a statement whose lines mostly miss by id (a bank that echoes other ids) is resolved in
            // passes of this many lines instead of being held whole.
            if byBankId.count >= Self.bankIdPass { resolveByBankId() }
            return
        }
        if isPayment { nextPayment = position + 1 } else { nextRefund = position + 1 }
        pair(record, position, carried: carried)
    }

    /// The lines no row has by their id, in file order: paired by the bank's id where a row carries it, else
    /// kept for the lookup by id in any day (``idsToLookUp``). A fallback takes a row only after every line
    /// had the chance to pair by its own id, so a row is never taken from the line that names it (unless more
    /// than ``bankIdPass`` lines miss by id: then a pass runs early, before the later lines came).
    private mutating func resolveByBankId() {
        guard !byBankId.isEmpty else { return }
        let lines = byBankId
        byBankId = []
        let found = ledger.positions(ofBankIds: lines.map(\.record.bankTransactionId))
        for ((record, carried), position) in zip(lines, found) {
            if let position {
                pair(record, position, carried: carried)
                continue
            }
            if !carried, unpairedLines.contains(record.transactionId) {
                report(ReconciliationItem(breakClass: .duplicateInStatement, statement: record), counted: true)
                continue
            }
            if !carried { unpairedLines.insert(record.transactionId) }
            unpaired.append((record, carried))
        }
    }

    private mutating func pair(_ record: StatementRecord, _ position: Int, carried: Bool) {
        let entry = ledger.entries[position]
        if entry.paired {
            if carried {
                // The row was settled by today's own line; the carried line agrees or is reported again.
                let verdict = Self.classify(record, entry.status, entry.amount, entry.currency)
                if verdict == .matched || verdict == .matchedNoCharge {
                    carriedResolved.append(record.transactionId)
                } else {
                    report(ReconciliationItem(breakClass: verdict, statement: record, ledger: ledger.fields(position), carried: true), counted: false)
                }
            } else {
                report(
                    ReconciliationItem(breakClass: .duplicateInStatement, statement: record, ledger: ledger.fields(position)),
                    counted: true)
            }
            return
        }
        ledger.entries[position].paired = true
        let verdict = Self.classify(record, entry.status, entry.amount, entry.currency)
        // Counted in this run when either side is this run's: today's line, or a row of today's window.
        let counted = !carried || entry.origin == .window
        let fromEarlierRun = carried || entry.origin == .carried
        if verdict == .matched, counted, !fromEarlierRun, fastCurrency.packed != 0, entry.currency == fastCurrency {
            fastMatchedCount += 1
            fastMatchedAmount &+= record.amount.minorUnits
            return
        }
        if verdict == .matched, fastMatchedCount == 0, fastCurrencyText.isEmpty {
            fastCurrency = entry.currency
            fastCurrencyText = record.amount.currency.code
        }
        if verdict == .matched || verdict == .matchedNoCharge {
            if counted { totals[verdict, default: ClassTotal()].add(record.amount.minorUnits, record.amount.currency.code) }
            if fromEarlierRun { carriedResolved.append(record.transactionId) }
            return
        }
        report(
            ReconciliationItem(breakClass: verdict, statement: record, ledger: ledger.fields(position), carried: !counted),
            counted: counted)
    }

    /// The class of a statement line paired with a ledger row.
    public static func classify(
        _ record: StatementRecord, _ status: LedgerStatus, _ amount: Int64, _ currency: String
    ) -> BreakClass {
        classify(record, status, amount, CurrencyCode(currency))
    }

    static func classify(
        _ record: StatementRecord, _ status: LedgerStatus, _ amount: Int64, _ currency: CurrencyCode
    ) -> BreakClass {
        if CurrencyCode(record.amount.currency.code) != currency { return .currencyMismatch }
        if record.amount.minorUnits != amount { return .amountMismatch }
        switch status {
        case .processing, .pending:
            return .compensated
        case .succeeded:
            return record.status == .succeeded ? .matched : .statusMismatch
        case .declined, .notProcessed:
            return record.status == .failed ? .matchedNoCharge : .statusMismatch
        }
    }

    private mutating func report(_ item: ReconciliationItem, counted: Bool) {
        if counted, let (amount, currency) = item.countedAmount {
            totals[item.breakClass, default: ClassTotal()].add(amount, currency)
        }
        items.append(item)
    }

    // MARK: - Lookups and the end

    /// Ids the caller must read from the ledger by id, in any day: lines no row of the window (or carried in)
    /// pairs with, and the payments their refunds refer to. Sorted, without repeats.
    public var idsToLookUp: [String] {
        mutating get {
            resolveByBankId()
            return lookupIds
        }
    }

    private var lookupIds: [String] {
        var ids = Set<String>()
        for (record, _) in unpaired {
            ids.insert(record.transactionId)
            if let original = record.originalTransactionId { ids.insert(original) }
        }
        return ids.sorted()
    }

    /// Classifies what is left: the lines found only by id lookup (or not at all), the ledger rows no line
    /// paired with, and the plugin's issues. `lookups` maps ids from ``idsToLookUp`` to the ledger's rows of
    /// this channel that have them.
    public mutating func finish(lookups: [String: LedgerFields]) -> ReconciliationResult {
        resolveByBankId()
        for (record, carried) in unpaired {
            let counted = !carried
            guard let row = lookups[record.transactionId] else {
                let unknownOriginal = record.kind == .refund
                    && (record.originalTransactionId.map { lookups[$0] == nil } ?? true)
                report(
                    ReconciliationItem(
                        breakClass: unknownOriginal ? .refundOfUnknownPayment : .missingInLedger, statement: record,
                        carried: carried),
                    counted: counted)
                continue
            }
            var verdict = Self.classify(record, row.status, row.amount, row.currency)
            if verdict == .matched || verdict == .matchedNoCharge {
                // Booked by the bank today, finished in the ledger just after the cut-off: the next day's run
                // has the row in its window and settles it with this line.
                if !row.status.isOpen, row.dayAt >= window.upperBound, row.dayAt < window.upperBound + timingMargin,
                    !carried
                {
                    verdict = .timing
                } else {
                    if counted { totals[verdict, default: ClassTotal()].add(record.amount.minorUnits, record.amount.currency.code) }
                    carriedResolved.append(record.transactionId)
                    continue
                }
            }
            report(ReconciliationItem(breakClass: verdict, statement: record, ledger: row, carried: carried), counted: counted)
        }
        unpaired = []

        for position in ledger.entries.indices where !ledger.entries[position].paired {
            let entry = ledger.entries[position]
            let carried = entry.origin == .carried
            let verdict: BreakClass
            switch entry.status {
            case .declined, .notProcessed:
                verdict = .matchedNoCharge
            case .processing, .pending:
                verdict = .openNotAtBank
            case .succeeded:
                verdict = !carried && entry.dayAt >= window.upperBound - timingMargin ? .timing : .missingAtBank
            }
            if verdict == .matchedNoCharge {
                if carried {
                    carriedResolved.append(ledger.fields(position).transactionId)
                } else {
                    totals[verdict, default: ClassTotal()].add(entry.amount, entry.currency.description)
                }
                continue
            }
            report(ReconciliationItem(breakClass: verdict, ledger: ledger.fields(position), carried: carried), counted: !carried)
        }

        if fastMatchedCount > 0 {
            totals[.matched, default: ClassTotal()].count += fastMatchedCount
            totals[.matched, default: ClassTotal()].amounts[fastCurrencyText, default: 0] &+= fastMatchedAmount
            fastMatchedCount = 0
            fastMatchedAmount = 0
        }
        var findings: [ReconciliationFinding] = []
        for issue in issues {
            if issue.lineNumber == 0 {
                findings.append(ReconciliationFinding(code: "statement_incomplete", lineNumber: 0, message: issue.reason))
            } else if let trailer, issue.lineNumber == trailer.lineNumber {
                findings.append(ReconciliationFinding(code: "trailer_mismatch", lineNumber: issue.lineNumber, message: issue.reason))
            } else {
                statementLines += 1
                totals[.unparseableLine, default: ClassTotal()].count += 1
                items.append(ReconciliationItem(breakClass: .unparseableLine, issue: issue))
            }
        }
        items.sort(by: ReconciliationItem.reportOrder)
        findings.sort { ($0.lineNumber, $0.code, $0.message) < ($1.lineNumber, $1.code, $1.message) }
        let ledgerRows = ledger.entries.reduce(0) { $0 + ($1.origin == .window ? 1 : 0) }
        return ReconciliationResult(
            statementDate: statementDate, totals: totals, items: items, findings: findings, trailer: trailer,
            statementLines: statementLines, ledgerRows: ledgerRows, carriedResolved: carriedResolved.sorted())
    }
}

/// What a run found.
public struct ReconciliationResult: Sendable {
    public var statementDate: BusinessDate
    /// Count and amounts per class, for this run's own lines and window rows.
    public var totals: [BreakClass: ClassTotal]
    /// Everything reported (every class but `matched` and `matched_no_charge`), in report order.
    public var items: [ReconciliationItem]
    /// Whole-statement findings (`trailer_mismatch`, `statement_incomplete`).
    public var findings: [ReconciliationFinding]
    public var trailer: StatementTrailer?
    /// Statement transaction lines seen (records and unparseable lines).
    public var statementLines: Int
    /// Ledger rows in the window.
    public var ledgerRows: Int
    /// Transaction ids of earlier runs' breaks that this run settled.
    public var carriedResolved: [String]

    /// Moves item `index` to another class (a compensation the payments core found already settled), keeping
    /// the totals right.
    public mutating func reclassify(_ index: Int, to newClass: BreakClass) {
        let item = items[index]
        guard item.breakClass != newClass else { return }
        if !item.carried, let (amount, currency) = item.countedAmount {
            totals[item.breakClass]?.count -= 1
            totals[item.breakClass]?.amounts[currency, default: 0] &-= amount
            if totals[item.breakClass]?.count == 0 { totals[item.breakClass] = nil }
            totals[newClass, default: ClassTotal()].add(amount, currency)
        }
        items[index].breakClass = newClass
    }

    /// Drops items that are no longer reported after ``reclassify(_:to:)`` and restores report order.
    public mutating func normalize() {
        items = items.filter { $0.breakClass.isReported }
        items.sort(by: ReconciliationItem.reportOrder)
    }
}
