import ChannelKit
import Foundation
import HaixiProtocol

/// Reads one 127-character detail line of a Haixi statement (document "Statement file") into a
/// ``StatementRecord``, by position, on the line's bytes: no Foundation formatters, one `String` per id kept.
/// A line that is not exactly right goes to ``HaixiStatement/parseLine(_:)``, which names every problem.
struct HaixiStatementLine {
    /// What a line turned out to be. A record is appended to the caller's array directly (a resilient
    /// ChannelKit type in an enum payload costs runtime calls per line).
    enum Result {
        /// A valid detail line, appended; its amount and fee in fen and whether it is `00`.
        case record(amount: Int64, fee: Int64, succeeded: Bool)
        /// Why the line is not a valid detail line.
        case issue(String)
    }

    /// The statement's business date.
    let businessDate: BusinessDate
    /// CNY, the common case, matched without a table lookup.
    private let cny: Currency
    /// The last currency other than CNY and its code.
    private var lastOther: (code: (UInt8, UInt8, UInt8), currency: Currency)?
    /// The last `FinishTime` (14 bytes packed in two words) and its instant: a statement in time order repeats
    /// it for every line of the same second.
    private var lastFinish: (high: UInt64, low: UInt64, date: Date)?

    init(businessDate: BusinessDate) {
        self.businessDate = businessDate
        self.cny = Currency(code: "CNY")!
    }

    /// Parses `line` (without its `\r\n`); a valid line's record is appended to `records`.
    mutating func parse(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int, into records: inout [StatementRecord]) -> Result {
        if let result = parseFast(line, lineNumber: lineNumber, into: &records) { return result }
        switch HaixiStatement.parseLine(line) {
        case .failure(let issue): return .issue(issue.description)
        case .success(let parsed): return .issue("Currency \(parsed.currency) is not an ISO 4217 code")
        }
    }

    /// The one-pass reading of a valid line; `nil` (nothing appended) for anything else.
    private mutating func parseFast(
        _ line: UnsafeBufferPointer<UInt8>, lineNumber: Int, into records: inout [StatementRecord]
    ) -> Result? {
        guard line.count == HaixiStatement.lineLength, line[0] == UInt8(ascii: "D") else { return nil }
        let isRefund: Bool
        switch line[1] {
        case UInt8(ascii: "P"): isRefund = false
        case UInt8(ascii: "R"): isRefund = true
        default: return nil
        }
        guard let serialEnd = Self.serial(line, 2, 32) else { return nil }
        guard line[34] == UInt8(ascii: "H"), line[35] == UInt8(ascii: "X"), Self.isDigits(line, 36, 20) else { return nil }
        guard let finishedAt = finish(line) else { return nil }
        guard let amount = Self.digits(line, 70, 12), amount > 0, let fee = Self.digits(line, 82, 8) else { return nil }
        guard let currency = currency(line[90], line[91], line[92]) else { return nil }
        let succeeded: Bool
        guard line[93] == UInt8(ascii: "0") else { return nil }
        switch line[94] {
        case UInt8(ascii: "0"): succeeded = true
        case UInt8(ascii: "2"): succeeded = false
        default: return nil
        }
        var original: String?
        if isRefund {
            guard let end = Self.serial(line, 95, 32) else { return nil }
            original = String(decoding: UnsafeBufferPointer(rebasing: line[95..<end]), as: UTF8.self)
        } else {
            guard Self.isSpaces(line, 95, 32) else { return nil }
        }
        records.append(
            StatementRecord(
                lineNumber: lineNumber, businessDate: businessDate, finishedAt: finishedAt,
                transactionId: String(decoding: UnsafeBufferPointer(rebasing: line[2..<serialEnd]), as: UTF8.self),
                bankTransactionId: String(decoding: UnsafeBufferPointer(rebasing: line[34..<56]), as: UTF8.self),
                kind: isRefund ? .refund : .payment, amount: Money(minorUnits: amount, currency: currency),
                fee: Money(minorUnits: fee, currency: currency), status: succeeded ? .succeeded : .failed,
                originalTransactionId: original))
        return .record(amount: amount, fee: fee, succeeded: succeeded)
    }

    /// `FinishTime` at 56..<70, remembered for the next line.
    private mutating func finish(_ line: UnsafeBufferPointer<UInt8>) -> Date? {
        var high: UInt64 = 0
        var low: UInt64 = 0
        for index in 56..<64 { high = high << 8 | UInt64(line[index]) }
        for index in 64..<70 { low = low << 8 | UInt64(line[index]) }
        if let lastFinish, lastFinish.high == high, lastFinish.low == low { return lastFinish.date }
        guard let seconds = HaixiTime.unixSeconds(UnsafeBufferPointer(rebasing: line[56..<70])) else { return nil }
        let date = Date(timeIntervalSince1970: TimeInterval(seconds))
        lastFinish = (high, low, date)
        return date
    }

    private mutating func currency(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> Currency? {
        if a == UInt8(ascii: "C"), b == UInt8(ascii: "N"), c == UInt8(ascii: "Y") { return cny }
        if let lastOther, lastOther.code == (a, b, c) { return lastOther.currency }
        guard let found = Currency(code: String(decoding: [a, b, c], as: UTF8.self)) else { return nil }
        lastOther = ((a, b, c), found)
        return found
    }

    /// A left-aligned, space-padded serial number (1–32 of `[A-Za-z0-9_-]`) in `start..<start+width`: the end of
    /// its characters, or `nil`.
    static func serial(_ line: UnsafeBufferPointer<UInt8>, _ start: Int, _ width: Int) -> Int? {
        var index = start
        let end = start + width
        while index < end, isSerialByte(line[index]) { index += 1 }
        guard index > start, isSpaces(line, index, end - index) else { return nil }
        return index
    }

    static func isSerialByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    static func isSpaces(_ line: UnsafeBufferPointer<UInt8>, _ start: Int, _ width: Int) -> Bool {
        var index = start
        while index < start + width {
            guard line[index] == UInt8(ascii: " ") else { return false }
            index += 1
        }
        return true
    }

    /// Whether `start..<start+width` is all digits (any width: the bank serial's 20 digits overflow an Int64).
    static func isDigits(_ line: UnsafeBufferPointer<UInt8>, _ start: Int, _ width: Int) -> Bool {
        var index = start
        while index < start + width {
            guard line[index] &- UInt8(ascii: "0") < 10 else { return false }
            index += 1
        }
        return true
    }

    /// Exactly `width` digits (at most 18).
    static func digits(_ line: UnsafeBufferPointer<UInt8>, _ start: Int, _ width: Int) -> Int64? {
        var value: Int64 = 0
        var index = start
        while index < start + width {
            let digit = line[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value * 10 + Int64(digit)
            index += 1
        }
        return value
    }
}
