import ChannelKit
import Foundation
import JiangnanProtocol

/// Parses one data line of a Jiangnan statement:
/// `trade_date,finished_at,out_trade_no,trade_no,type,amount,fee,currency,status,orig_out_trade_no`.
///
/// Works on the line's bytes: no Foundation formatters, one `String` per text field kept.
struct JiangnanStatementLine {
    /// What a line turned out to be. A record is appended to the caller's array directly: a `StatementRecord`
    /// (a resilient ChannelKit type) carried in an enum payload costs runtime calls per line.
    enum Result {
        /// A valid transaction line, appended; its amount and fee in fen and whether it is `SUCCESS`.
        case record(amount: Int64, fee: Int64, succeeded: Bool)
        /// Why the line is not a valid transaction line.
        case issue(String)
    }

    /// The number of fields of a data line.
    static let fieldCount = 10
    /// The largest amount or fee, in fen.
    static let maximumAmount = JiangnanRules.maximumAmount

    static let pay = Array("PAY".utf8)
    static let refund = Array("REFUND".utf8)
    static let success = Array(JiangnanStatus.success.utf8)
    static let failed = Array(JiangnanStatus.failed.utf8)

    /// The statement's business date as `yyyyMMdd` bytes.
    let expectedDate: [UInt8]
    /// The currency's code as bytes.
    let currencyCode: [UInt8]
    /// The statement's business date.
    let businessDate: BusinessDate
    /// The channel's currency (CNY): the common case, matched without allocating.
    let currency: Currency
    /// The last `finished_at` parsed (its 25 bytes in four words, zero-padded) and its value: a statement in
    /// time order repeats it for every line of the same second.
    private var lastFinished: (words: (UInt64, UInt64, UInt64, UInt64), date: Date)?

    init(businessDate: BusinessDate, currency: Currency) {
        self.businessDate = businessDate
        self.expectedDate = Array(businessDate.compact.utf8)
        self.currencyCode = Array(currency.code.utf8)
        self.currency = currency
    }

    /// Parses `line` (without its `\n`); a valid line's record is appended to `records`.
    ///
    /// A well-formed line of the statement's own date and currency — nearly every line — is read in one pass
    /// (``parseCommon(_:lineNumber:into:)``); anything else goes through the field-by-field checks that name
    /// every problem of the line.
    mutating func parse(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int, into records: inout [StatementRecord]) -> Result {
        if let parsed = parseCommon(line, lineNumber: lineNumber, into: &records) { return parsed }
        return parseWithChecks(line, lineNumber: lineNumber, into: &records)
    }

    /// Every check of every field, naming each problem of the line.
    func parseWithChecks(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int, into records: inout [StatementRecord]) -> Result {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: Self.fieldCount) { commas in
            var found = 0
            var index = 0
            while index < line.count {
                if line[index] == 0x2C {  // ","
                    if found < Self.fieldCount { commas[found] = index }
                    found += 1
                }
                index += 1
            }
            guard found == Self.fieldCount - 1 else {
                return .issue("expected \(Self.fieldCount) comma-separated fields, found \(found + 1)")
            }
            return parse(line, commas: UnsafeBufferPointer(commas), lineNumber: lineNumber, into: &records)
        }
    }

    /// The one-pass reading of a valid line with the statement's trade date and the channel's currency;
    /// `nil` (nothing appended) when the line is anything else, for the full checks to explain. It accepts
    /// exactly the lines those checks accept, with the same record.
    mutating func parseCommon(
        _ line: UnsafeBufferPointer<UInt8>, lineNumber: Int, into records: inout [StatementRecord]
    ) -> Result? {
        guard let base = line.baseAddress else { return nil }
        let end = line.count
        var at = 0
        /// The field from `at` to the next comma (exclusive), moving `at` past the comma; `nil` at the end.
        func next() -> UnsafeBufferPointer<UInt8>? {
            let start = at
            guard let comma = Self.comma(in: base, from: at, to: end) else { return nil }
            at = comma + 1
            return UnsafeBufferPointer(start: base + start, count: comma - start)
        }
        guard let tradeDate = next(), Self.equal(tradeDate, expectedDate),
            let finished = next(), finished.count == 25, Self.onDate(finished, tradeDate),
            let outTradeNo = next(), Self.isCallerId(outTradeNo),
            let tradeNo = next(), Self.isCallerId(tradeNo),
            let typeField = next(),
            let amountField = next(), let amount = Self.number(amountField), amount >= 1, amount <= Self.maximumAmount,
            let feeField = next(), let fee = Self.number(feeField), fee <= Self.maximumAmount,
            let currencyField = next(), Self.equal(currencyField, currencyCode),
            let statusField = next()
        else { return nil }
        let original = UnsafeBufferPointer(start: base + at, count: end - at)
        let kind: TransactionKind
        if Self.equal(typeField, Self.pay), original.isEmpty {
            kind = .payment
        } else if Self.equal(typeField, Self.refund), Self.isCallerId(original) {
            kind = .refund
        } else {
            return nil
        }
        let status: StatementRecord.Status
        if Self.equal(statusField, Self.success) {
            status = .succeeded
        } else if Self.equal(statusField, Self.failed) {
            status = .failed
        } else {
            return nil
        }
        let finishedAt: Date
        let words = Self.words25(finished)
        if let lastFinished, lastFinished.words == words {
            finishedAt = lastFinished.date
        } else {
            guard let parsed = JiangnanTime.parse(utf8: finished) else { return nil }
            finishedAt = parsed
            lastFinished = (words, parsed)
        }
        records.append(
            StatementRecord(
                lineNumber: lineNumber, businessDate: businessDate, finishedAt: finishedAt,
                transactionId: Self.string(outTradeNo), bankTransactionId: Self.string(tradeNo), kind: kind,
                amount: Money(minorUnits: amount, currency: currency), fee: Money(minorUnits: fee, currency: currency),
                status: status, originalTransactionId: kind == .refund ? Self.string(original) : nil))
        return .record(amount: amount, fee: fee, succeeded: status == .succeeded)
    }

    private func parse(
        _ line: UnsafeBufferPointer<UInt8>, commas: UnsafeBufferPointer<Int>, lineNumber: Int,
        into records: inout [StatementRecord]
    ) -> Result {
        func field(_ n: Int) -> UnsafeBufferPointer<UInt8> {
            let start = n == 0 ? line.startIndex : commas[n - 1] + 1
            let end = n == Self.fieldCount - 1 ? line.endIndex : commas[n]
            return UnsafeBufferPointer(rebasing: line[start..<end])
        }
        var problems: [String] = []

        // trade_date
        let tradeDate = field(0)
        var date: BusinessDate?
        if Self.equal(tradeDate, expectedDate) {
            date = businessDate
        } else {
            if tradeDate.count == 8, let value = Self.number(tradeDate) {
                date = BusinessDate(year: Int(value / 10000), month: Int(value / 100 % 100), day: Int(value % 100))
            }
            problems.append(
                date == nil
                    ? "bad trade_date '\(Self.text(tradeDate))'"
                    : "trade_date \(Self.text(tradeDate)) is not the statement's date \(businessDate.compact)")
        }

        // finished_at, on trade_date in UTC+8
        let finished = field(1)
        let finishedAt = JiangnanTime.parse(utf8: finished)
        if finishedAt == nil {
            problems.append("bad finished_at '\(Self.text(finished))'")
        } else if tradeDate.count == 8, !Self.onDate(finished, tradeDate) {
            problems.append("finished_at \(Self.text(finished)) is not on trade_date \(Self.text(tradeDate))")
        }

        // ids
        let outTradeNo = field(2)
        if !Self.isCallerId(outTradeNo) { problems.append("bad out_trade_no '\(Self.text(outTradeNo))'") }
        let tradeNo = field(3)
        if !Self.isCallerId(tradeNo) { problems.append("bad trade_no '\(Self.text(tradeNo))'") }

        // type
        let typeField = field(4)
        var kind: TransactionKind?
        if Self.equal(typeField, Self.pay) {
            kind = .payment
        } else if Self.equal(typeField, Self.refund) {
            kind = .refund
        } else {
            problems.append("unknown type '\(Self.text(typeField))' (expected PAY or REFUND)")
        }

        // amount, fee
        let amountField = field(5)
        let amount = Self.number(amountField)
        if amount == nil || amount! < 1 || amount! > Self.maximumAmount {
            problems.append("bad amount '\(Self.text(amountField))' (expected 1 to \(Self.maximumAmount) fen)")
        }
        let feeField = field(6)
        let fee = Self.number(feeField)
        if fee == nil || fee! > Self.maximumAmount {
            problems.append("bad fee '\(Self.text(feeField))' (expected 0 to \(Self.maximumAmount) fen)")
        }

        // currency: any ISO 4217 code is reported as it is (judging it is reconciliation's job); the channel's own
        // currency is matched on bytes without building a String.
        let currencyField = field(7)
        var lineCurrency: Currency?
        if Self.equal(currencyField, currencyCode) {
            lineCurrency = currency
        } else if let other = Currency(code: Self.text(currencyField)) {
            lineCurrency = other
        } else {
            problems.append("bad currency '\(Self.text(currencyField))' (not an ISO 4217 code)")
        }

        // status
        let statusField = field(8)
        var status: StatementRecord.Status?
        if Self.equal(statusField, Self.success) {
            status = .succeeded
        } else if Self.equal(statusField, Self.failed) {
            status = .failed
        } else {
            problems.append("unknown status '\(Self.text(statusField))' (expected SUCCESS or FAILED)")
        }

        // orig_out_trade_no
        let original = field(9)
        if kind == .payment, !original.isEmpty {
            problems.append("orig_out_trade_no must be empty for PAY, got '\(Self.text(original))'")
        } else if kind == .refund, !Self.isCallerId(original) {
            problems.append("bad orig_out_trade_no '\(Self.text(original))' for REFUND")
        }

        guard problems.isEmpty, let date, let kind, let amount, let fee, let status, let lineCurrency else {
            return .issue(problems.joined(separator: "; "))
        }
        records.append(
            StatementRecord(
                lineNumber: lineNumber, businessDate: date, finishedAt: finishedAt,
                transactionId: Self.string(outTradeNo), bankTransactionId: Self.string(tradeNo), kind: kind,
                amount: Money(minorUnits: amount, currency: lineCurrency),
                fee: Money(minorUnits: fee, currency: lineCurrency),
                status: status, originalTransactionId: kind == .refund ? Self.string(original) : nil))
        return .record(amount: amount, fee: fee, succeeded: status == .succeeded)
    }

    /// The position of the first comma in `base[from..<to]`, eight bytes at a time.
    @inline(__always)
    static func comma(in base: UnsafePointer<UInt8>, from: Int, to end: Int) -> Int? {
        var at = from
        let raw = UnsafeRawPointer(base)
        while at + 8 <= end {
            // A zero byte of `word ^ ",,,,,,,,"` is a comma (the classic has-zero-byte test).
            let word = raw.loadUnaligned(fromByteOffset: at, as: UInt64.self) ^ 0x2C2C_2C2C_2C2C_2C2C
            let found = (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080
            if found != 0 { return at + (found.trailingZeroBitCount >> 3) }
            at += 8
        }
        while at < end {
            if base[at] == 0x2C { return at }
            at += 1
        }
        return nil
    }

    /// 25 bytes as four little-endian words, the last zero-padded.
    @inline(__always)
    static func words25(_ bytes: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64, UInt64, UInt64) {
        let raw = UnsafeRawPointer(bytes.baseAddress!)
        return (
            raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self), raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
            raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self), UInt64(bytes[24])
        )
    }

    /// Whether `finished_at` (`yyyy-MM-dd…`, 25 bytes) is on `trade_date` (`yyyyMMdd`).
    static func onDate(_ finished: UnsafeBufferPointer<UInt8>, _ tradeDate: UnsafeBufferPointer<UInt8>) -> Bool {
        finished[0] == tradeDate[0] && finished[1] == tradeDate[1] && finished[2] == tradeDate[2]
            && finished[3] == tradeDate[3] && finished[5] == tradeDate[4] && finished[6] == tradeDate[5]
            && finished[8] == tradeDate[6] && finished[9] == tradeDate[7]
    }

    /// Whether two byte strings are equal.
    static func equal(_ bytes: UnsafeBufferPointer<UInt8>, _ other: [UInt8]) -> Bool {
        guard bytes.count == other.count else { return false }
        guard !other.isEmpty else { return true }
        return other.withUnsafeBufferPointer { memcmp(bytes.baseAddress!, $0.baseAddress!, bytes.count) == 0 }
    }

    /// A non-negative decimal integer of 1–18 digits (no sign, no spaces), or `nil`.
    static func number(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var value: Int64 = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte >= 0x30, byte <= 0x39 else { return nil }  // 0-9
            value = value * 10 + Int64(byte &- 0x30)
            index += 1
        }
        return value
    }

    /// 1–64 bytes of `[A-Za-z0-9_-]`.
    static func isCallerId(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !bytes.isEmpty, bytes.count <= 64 else { return false }
        return idBytes.withUnsafeBufferPointer { table in
            var index = 0
            while index < bytes.count {
                if !table[Int(bytes[index])] { return false }
                index += 1
            }
            return true
        }
    }

    /// Which bytes may appear in a caller id.
    static let idBytes: [Bool] = (0..<256).map { byte in
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x5F
            || byte == 0x2D
    }

    /// The bytes as a string.
    static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// The bytes as text (invalid UTF-8 repaired), cut to 80 bytes for messages.
    static func text(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: bytes.prefix(80), as: UTF8.self)
    }
}
