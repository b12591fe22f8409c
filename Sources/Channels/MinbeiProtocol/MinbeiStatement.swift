/// The Minbei statement file (document v3.1, "Statement file"), after gunzip: GBK text, `\n` line ends, fields
/// separated by `|`. Line 1 is the header `mer_id|bill_date|total_count|total_amount|total_fee` (count of the
/// detail lines; totals over the `S` lines, in yuan); then one detail line per payment or refund that reached
/// `S` or `F` that business date:
/// `trans_date|trans_time|trans_type|order_no|refund_no|bank_seq|amount|fee|cur|trans_status|remark`.
///
/// Lines are read as bytes. Every field but `remark` is ASCII; `remark` is last and free GBK text, whose second
/// bytes may be `0x7C` (`億` is `83 7C`), so a line is split at its first ten `|` only and the rest is the remark.
public enum MinbeiStatement {
    public struct Header: Sendable, Equatable {
        public var merchantId: String
        /// `yyyyMMdd`.
        public var billDate: String
        public var totalCount: Int
        /// Fen.
        public var totalAmount: Int64
        public var totalFee: Int64

        public init(merchantId: String, billDate: String, totalCount: Int, totalAmount: Int64, totalFee: Int64) {
            self.merchantId = merchantId
            self.billDate = billDate
            self.totalCount = totalCount
            self.totalAmount = totalAmount
            self.totalFee = totalFee
        }
    }

    public struct Line: Sendable, Equatable {
        /// `yyyyMMdd` and `HHmmss`, the bank's completion time (UTC+8).
        public var transDate: String
        public var transTime: String
        public var isRefund: Bool
        /// The payment's `order_no` (for a refund, the refunded payment's).
        public var orderNo: String
        /// The refund's `refund_no`; empty for a payment.
        public var refundNo: String
        public var bankSequence: String
        /// Fen.
        public var amount: Int64
        public var fee: Int64
        /// ISO 4217 numeric (`156`).
        public var currency: String
        /// `S` (true) or `F`.
        public var succeeded: Bool
        public var remark: String

        public init(
            transDate: String, transTime: String, isRefund: Bool, orderNo: String, refundNo: String,
            bankSequence: String, amount: Int64, fee: Int64, currency: String, succeeded: Bool, remark: String
        ) {
            self.transDate = transDate
            self.transTime = transTime
            self.isRefund = isRefund
            self.orderNo = orderNo
            self.refundNo = refundNo
            self.bankSequence = bankSequence
            self.amount = amount
            self.fee = fee
            self.currency = currency
            self.succeeded = succeeded
            self.remark = remark
        }
    }

    static let separator = UInt8(ascii: "|")

    // MARK: writing (simulators, generators)

    /// The header's bytes (no line end); `nil` for an amount out of range.
    public static func write(_ header: Header) -> [UInt8]? {
        guard let amount = MinbeiAmount.totalString(minorUnits: header.totalAmount),
            let fee = MinbeiAmount.totalString(minorUnits: header.totalFee)
        else { return nil }
        return Array("\(header.merchantId)|\(header.billDate)|\(header.totalCount)|\(amount)|\(fee)".utf8)
    }

    /// A detail line's bytes (no line end); `nil` for an amount out of range, or a remark with `|`, a line
    /// break, or a character outside GBK.
    public static func write(_ line: Line) -> [UInt8]? {
        guard let amount = MinbeiAmount.string(minorUnits: line.amount),
            let fee = MinbeiAmount.string(minorUnits: line.fee),
            !line.remark.contains("|"), !line.remark.contains("\n"), let remark = GBK.encode(line.remark)
        else { return nil }
        let fields = [
            line.transDate, line.transTime, line.isRefund ? MinbeiService.refundType : MinbeiService.payType,
            line.orderNo, line.refundNo, line.bankSequence, amount, fee, line.currency,
            line.succeeded ? MinbeiService.succeeded : MinbeiService.failed,
        ]
        return Array(fields.joined(separator: "|").utf8) + [separator] + remark
    }

    // MARK: reading (the channel)

    /// The header of a statement, or what is wrong with it.
    public static func parseHeader(_ bytes: some Collection<UInt8>) -> Result<Header, MinbeiStatementIssue> {
        let fields = bytes.split(separator: separator, omittingEmptySubsequences: false)
        guard fields.count == 5 else { return .failure(.init("header: expected 5 fields, found \(fields.count)")) }
        guard let merchant = ascii(fields[0]), !merchant.isEmpty else { return .failure(.init("header: mer_id is empty")) }
        guard let date = ascii(fields[1]), isDate(date) else { return .failure(.init("header: bill_date is not yyyyMMdd")) }
        guard let countText = ascii(fields[2]), !countText.isEmpty, countText.count <= 9, countText.allSatisfy(\.isASCIIDigit),
            let count = Int(countText)
        else { return .failure(.init("header: total_count is not a count")) }
        guard let amount = MinbeiAmount.totalMinorUnits(String(decoding: fields[3], as: UTF8.self)) else {
            return .failure(.init("header: total_amount is not a yuan amount"))
        }
        guard let fee = MinbeiAmount.totalMinorUnits(String(decoding: fields[4], as: UTF8.self)) else {
            return .failure(.init("header: total_fee is not a yuan amount"))
        }
        return .success(Header(merchantId: merchant, billDate: date, totalCount: count, totalAmount: amount, totalFee: fee))
    }

    /// A detail line (without its `\n`), or every problem of it.
    public static func parseLine(_ bytes: some Collection<UInt8>) -> Result<Line, MinbeiStatementIssue> {
        // The first ten separators; the remark is the rest, whatever bytes it holds.
        var fields: [Array<UInt8>.SubSequence] = []
        let all = Array(bytes)
        var start = 0
        var index = 0
        while index < all.count, fields.count < 10 {
            if all[index] == separator {
                fields.append(all[start..<index])
                start = index + 1
            }
            index += 1
        }
        guard fields.count == 10 else { return .failure(.init("expected 11 |-separated fields, found \(fields.count + 1)")) }
        let remarkBytes = all[start...]
        var problems: [String] = []
        let date = ascii(fields[0]) ?? ""
        if !isDate(date) { problems.append("trans_date is not yyyyMMdd") }
        let time = ascii(fields[1]) ?? ""
        if !isTime(time) { problems.append("trans_time is not HHmmss") }
        let type = ascii(fields[2]) ?? ""
        let isRefund = type == MinbeiService.refundType
        if !isRefund, type != MinbeiService.payType { problems.append("trans_type is neither 01 nor 02") }
        let orderNo = ascii(fields[3]) ?? ""
        if !isIdentifier(orderNo) { problems.append("order_no is not an order number") }
        let refundNo = ascii(fields[4]) ?? ""
        if isRefund, !isIdentifier(refundNo) { problems.append("refund_no is not a refund number") }
        if !isRefund, type == MinbeiService.payType, !refundNo.isEmpty { problems.append("refund_no is given for a payment") }
        let sequence = ascii(fields[5]) ?? ""
        if sequence.count != 20 || !sequence.allSatisfy(\.isASCIIDigit) { problems.append("bank_seq is not 20 digits") }
        let amount = MinbeiAmount.minorUnits(String(decoding: fields[6], as: UTF8.self))
        if amount == nil || amount == 0 { problems.append("amount is not a yuan amount above 0") }
        let fee = MinbeiAmount.minorUnits(String(decoding: fields[7], as: UTF8.self))
        if fee == nil { problems.append("fee is not a yuan amount") }
        let currency = ascii(fields[8]) ?? ""
        if currency.count != 3 || !currency.allSatisfy(\.isASCIIDigit) { problems.append("cur is not an ISO 4217 numeric code") }
        let status = ascii(fields[9]) ?? ""
        if status != MinbeiService.succeeded, status != MinbeiService.failed { problems.append("trans_status is neither S nor F") }
        let remark = GBK.decode(remarkBytes)
        if remark == nil { problems.append("remark is not GBK text") }
        guard problems.isEmpty, let amount, let fee, let remark else {
            return .failure(.init(problems.joined(separator: "; ")))
        }
        return .success(
            Line(
                transDate: date, transTime: time, isRefund: isRefund, orderNo: orderNo, refundNo: refundNo,
                bankSequence: sequence, amount: amount, fee: fee, currency: currency,
                succeeded: status == MinbeiService.succeeded, remark: remark))
    }

    /// The text of printable ASCII bytes, or nil.
    private static func ascii(_ bytes: some Collection<UInt8>) -> String? {
        guard bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// 1–64 characters of `[A-Za-z0-9_-]`.
    private static func isIdentifier(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 64
            && text.utf8.allSatisfy { $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    /// `yyyyMMdd` of a real calendar day.
    private static func isDate(_ text: String) -> Bool { MinbeiTime.isDate(text) }

    /// `HHmmss` of a real time of day.
    private static func isTime(_ text: String) -> Bool { MinbeiTime.isTime(text) }
}

public struct MinbeiStatementIssue: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

extension UInt8 {
    fileprivate var isASCIIAlphanumeric: Bool {
        (self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9")) || (self >= UInt8(ascii: "A") && self <= UInt8(ascii: "Z"))
            || (self >= UInt8(ascii: "a") && self <= UInt8(ascii: "z"))
    }
}
