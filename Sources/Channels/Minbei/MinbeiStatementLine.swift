import ChannelKit
import Foundation
import MinbeiProtocol

/// Reads one detail line of a Minbei statement straight from its bytes:
/// `trans_date|trans_time|trans_type|order_no|refund_no|bank_seq|amount|fee|cur|trans_status|remark`, split at
/// the first ten `|` only (a remark's GBK trail byte may be 0x7C). The common case allocates only the record's
/// id strings; a line that fails any check is read again by ``MinbeiStatement/parseLine(_:)`` for a message that
/// names every problem.
struct MinbeiStatementLine {
    /// The outcome of one line.
    enum Result {
        case record(StatementRecord)
        case issue(String)
    }

    let billDate: [UInt8]
    let numericCurrency: [UInt8]
    let businessDate: BusinessDate
    let currency: Currency
    /// Unix seconds of the business day's 00:00 (UTC+8).
    let dayStart: Int64

    init(businessDate: BusinessDate, currency: Currency) {
        self.businessDate = businessDate
        self.currency = currency
        billDate = Array(businessDate.compact.utf8)
        numericCurrency = Array((MinbeiRules.numericCurrency[currency.code] ?? "").utf8)
        dayStart = MinbeiTime.unixSeconds(date: billDate, time: Array("000000".utf8)) ?? 0
    }

    func parse(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int) -> Result {
        if let record = fast(line, lineNumber: lineNumber) { return .record(record) }
        return .issue(describe(line))
    }

    /// The record, or `nil` when any field is off.
    private func fast(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int) -> StatementRecord? {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 10) { ends in
            var found = 0
            var index = 0
            let count = line.count
            while index < count, found < 10 {
                if line[index] == 0x7C {
                    ends[found] = index
                    found += 1
                }
                index += 1
            }
            guard found == 10 else { return nil }
            return record(line, ends: UnsafeBufferPointer(ends), lineNumber: lineNumber)
        }
    }

    private func record(_ line: UnsafeBufferPointer<UInt8>, ends: UnsafeBufferPointer<Int>, lineNumber: Int) -> StatementRecord? {
        func field(_ number: Int) -> UnsafeBufferPointer<UInt8> {
            let start = number == 0 ? 0 : ends[number - 1] + 1
            return UnsafeBufferPointer(rebasing: line[start..<ends[number]])
        }
        guard field(0).elementsEqual(billDate) else { return nil }
        let time = field(1)
        guard time.count == 6, let seconds = Self.secondsOfDay(time) else { return nil }
        let type = field(2)
        guard type.count == 2, type[0] == 0x30, type[1] == 0x31 || type[1] == 0x32 else { return nil }
        let isRefund = type[1] == 0x32
        let order = field(3)
        let refund = field(4)
        guard Self.isId(order), isRefund ? Self.isId(refund) : refund.isEmpty else { return nil }
        let sequence = field(5)
        guard sequence.count == 20, sequence.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        guard let amount = MinbeiAmount.minorUnits(bytes: field(6)), amount > 0,
            let fee = MinbeiAmount.minorUnits(bytes: field(7))
        else { return nil }
        let lineCurrency: Currency
        if field(8).elementsEqual(numericCurrency) {
            lineCurrency = currency
        } else {
            // Another currency is a finding of the reconciliation (currency_mismatch), not an unreadable line.
            guard let code = MinbeiRules.alphabeticCurrency[String(decoding: field(8), as: UTF8.self)],
                let other = Currency(code: code)
            else { return nil }
            lineCurrency = other
        }
        let status = field(9)
        guard status.count == 1, status[0] == 0x53 || status[0] == 0x46 else { return nil }
        let remark = UnsafeBufferPointer(rebasing: line[(ends[9] + 1)...])
        guard GBK.isWellFormed(remark) else { return nil }
        let orderNo = String(decoding: order, as: UTF8.self)
        return StatementRecord(
            lineNumber: lineNumber, businessDate: businessDate,
            finishedAt: Date(timeIntervalSince1970: TimeInterval(dayStart + seconds)),
            transactionId: isRefund ? String(decoding: refund, as: UTF8.self) : orderNo,
            bankTransactionId: String(decoding: sequence, as: UTF8.self), kind: isRefund ? .refund : .payment,
            amount: Money(minorUnits: amount, currency: lineCurrency), fee: Money(minorUnits: fee, currency: lineCurrency),
            status: status[0] == 0x53 ? .succeeded : .failed, originalTransactionId: isRefund ? orderNo : nil)
    }

    /// Why a line is not a record, in the bank's terms.
    private func describe(_ line: UnsafeBufferPointer<UInt8>) -> String {
        switch MinbeiStatement.parseLine(line) {
        case .failure(let problem):
            return problem.description
        case .success(let parsed):
            if parsed.transDate != businessDate.compact {
                return "trans_date \(parsed.transDate) is not the statement's date \(businessDate.compact)"
            }
            if MinbeiRules.alphabeticCurrency[parsed.currency] == nil {
                return "cur \(parsed.currency) is not an ISO 4217 numeric code this channel knows"
            }
            return "malformed line"
        }
    }

    private static func secondsOfDay(_ time: UnsafeBufferPointer<UInt8>) -> Int64? {
        var value: Int64 = 0
        for byte in time {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            value = value * 10 + Int64(byte - 0x30)
        }
        let (hour, minute, second) = (value / 10_000, value / 100 % 100, value % 100)
        guard hour < 24, minute < 60, second < 60 else { return nil }
        return hour * 3600 + minute * 60 + second
    }

    private static func isId(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !bytes.isEmpty, bytes.count <= MinbeiRules.maximumIdLength else { return false }
        for byte in bytes {
            let ok =
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x5F || byte == 0x2D
            if !ok { return false }
        }
        return true
    }
}
