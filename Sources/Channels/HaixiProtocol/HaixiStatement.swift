/// The Haixi statement file (document v1.8, "Statement file"): fixed-width ASCII, `\r\n` line ends. Line 1 is
/// the header — `H`, BillDate (8), MerId (15, left-aligned), RecordCount (10, zero-padded: every detail line),
/// TotalAmount (16) and TotalFee (12), zero-padded fen over the `00` lines only — then one 127-character detail
/// line per payment or refund that reached `00` or `02` that business date.
public enum HaixiStatement {
    public struct Header: Sendable, Equatable {
        /// `yyyyMMdd`.
        public var billDate: String
        public var merchantId: String
        public var recordCount: Int
        /// Fen, over the `00` lines.
        public var totalAmount: Int64
        public var totalFee: Int64

        public init(billDate: String, merchantId: String, recordCount: Int, totalAmount: Int64, totalFee: Int64) {
            self.billDate = billDate
            self.merchantId = merchantId
            self.recordCount = recordCount
            self.totalAmount = totalAmount
            self.totalFee = totalFee
        }
    }

    public struct Line: Sendable, Equatable {
        public var isRefund: Bool
        /// The caller's SerialNo (1–32 of `[A-Za-z0-9_-]`).
        public var serialNo: String
        /// `HX` + 20 digits.
        public var bankSerialNo: String
        /// `yyyyMMddHHmmss`, UTC+8.
        public var finishTime: String
        /// Fen.
        public var amount: Int64
        public var fee: Int64
        /// ISO 4217 alphabetic.
        public var currency: String
        /// `00` (true) or `02`.
        public var succeeded: Bool
        /// Refunds: the payment's SerialNo; empty for payments.
        public var originalSerialNo: String

        public init(
            isRefund: Bool, serialNo: String, bankSerialNo: String, finishTime: String, amount: Int64, fee: Int64,
            currency: String, succeeded: Bool, originalSerialNo: String
        ) {
            self.isRefund = isRefund
            self.serialNo = serialNo
            self.bankSerialNo = bankSerialNo
            self.finishTime = finishTime
            self.amount = amount
            self.fee = fee
            self.currency = currency
            self.succeeded = succeeded
            self.originalSerialNo = originalSerialNo
        }
    }

    public static let headerLength = 62
    public static let lineLength = 127
    /// The widest amount (12 digits of fen) and fee (8).
    public static let maximumAmount: Int64 = 999_999_999_999
    public static let maximumFee: Int64 = 99_999_999

    // MARK: writing (simulators, generators)

    /// The header's 62 bytes (no line end); `nil` when a value does not fit its width.
    public static func write(_ header: Header) -> [UInt8]? {
        guard header.billDate.utf8.count == 8, header.merchantId.utf8.count <= 15, header.merchantId.utf8.allSatisfy(isPrintable),
            let count = zeroPadded(Int64(header.recordCount), 10), let amount = zeroPadded(header.totalAmount, 16),
            let fee = zeroPadded(header.totalFee, 12)
        else { return nil }
        return Array(("H" + header.billDate + padded(header.merchantId, 15) + count + amount + fee).utf8)
    }

    /// A detail line's 127 bytes (no line end); `nil` when a value does not fit its width.
    public static func write(_ line: Line) -> [UInt8]? {
        guard isSerial(line.serialNo), line.bankSerialNo.utf8.count <= 22, line.finishTime.utf8.count == 14,
            line.currency.utf8.count == 3, line.originalSerialNo.isEmpty || isSerial(line.originalSerialNo),
            line.amount <= maximumAmount, line.fee <= maximumFee,
            let amount = zeroPadded(line.amount, 12), let fee = zeroPadded(line.fee, 8)
        else { return nil }
        let text =
            "D" + (line.isRefund ? "R" : "P") + padded(line.serialNo, 32) + padded(line.bankSerialNo, 22) + line.finishTime
            + amount + fee + line.currency + (line.succeeded ? HaixiStatus.success : HaixiStatus.failed)
            + padded(line.originalSerialNo, 32)
        return Array(text.utf8)
    }

    // MARK: reading (the channel)

    /// The header, or what is wrong with it.
    public static func parseHeader(_ bytes: some Collection<UInt8>) -> Result<Header, HaixiStatementIssue> {
        let line = Array(bytes)
        guard line.count == headerLength else {
            return .failure(.init("header: \(line.count) characters, not \(headerLength)"))
        }
        guard line[0] == UInt8(ascii: "H") else { return .failure(.init("header: does not start with H")) }
        let date = text(line, 1, 8)
        guard isDate(date) else { return .failure(.init("header: BillDate is not yyyyMMdd")) }
        let merchant = trimmed(line, 9, 15)
        guard !merchant.isEmpty, line[9..<24].allSatisfy(isPrintable) else { return .failure(.init("header: MerId is empty")) }
        guard let count = number(line, 24, 10) else { return .failure(.init("header: RecordCount is not 10 digits")) }
        guard let amount = number(line, 34, 16) else { return .failure(.init("header: TotalAmount is not 16 digits")) }
        guard let fee = number(line, 50, 12) else { return .failure(.init("header: TotalFee is not 12 digits")) }
        return .success(Header(billDate: date, merchantId: merchant, recordCount: Int(count), totalAmount: amount, totalFee: fee))
    }

    /// A detail line (without its `\r\n`), or every problem of it.
    public static func parseLine(_ bytes: some Collection<UInt8>) -> Result<Line, HaixiStatementIssue> {
        let line = Array(bytes)
        guard line.count == lineLength else { return .failure(.init("\(line.count) characters, not \(lineLength)")) }
        guard line.allSatisfy(isPrintable) else { return .failure(.init("holds bytes that are not printable ASCII")) }
        var problems: [String] = []
        if line[0] != UInt8(ascii: "D") { problems.append("record type is not D") }
        let isRefund = line[1] == UInt8(ascii: "R")
        if !isRefund, line[1] != UInt8(ascii: "P") { problems.append("TxType is neither P nor R") }
        let serial = trimmed(line, 2, 32)
        if !isSerial(serial) || !isLeftAligned(line, 2, 32) { problems.append("SerialNo is not a left-aligned serial number") }
        let bankSerial = trimmed(line, 34, 22)
        if !isBankSerial(bankSerial) { problems.append("BankSerialNo is not HX and 20 digits") }
        let finish = text(line, 56, 14)
        if !isDate(String(finish.prefix(8))) || !isTime(String(finish.suffix(6))) || finish.count != 14 {
            problems.append("FinishTime is not yyyyMMddHHmmss")
        }
        let amount = number(line, 70, 12)
        if amount == nil || amount == 0 { problems.append("Amount is not 12 digits above 0") }
        let fee = number(line, 82, 8)
        if fee == nil { problems.append("Fee is not 8 digits") }
        let currency = text(line, 90, 3)
        if !currency.utf8.allSatisfy({ $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) {
            problems.append("Currency is not an ISO 4217 code")
        }
        let status = text(line, 93, 2)
        if status != HaixiStatus.success, status != HaixiStatus.failed { problems.append("TxStatus is neither 00 nor 02") }
        let original = trimmed(line, 95, 32)
        if isRefund, !isSerial(original) || !isLeftAligned(line, 95, 32) {
            problems.append("OrigSerialNo is not a left-aligned serial number")
        }
        if !isRefund, !original.isEmpty { problems.append("OrigSerialNo is given for a payment") }
        guard problems.isEmpty, let amount, let fee else { return .failure(.init(problems.joined(separator: "; "))) }
        return .success(
            Line(
                isRefund: isRefund, serialNo: serial, bankSerialNo: bankSerial, finishTime: finish, amount: amount,
                fee: fee, currency: currency, succeeded: status == HaixiStatus.success, originalSerialNo: original))
    }

    // MARK: fields

    private static func isPrintable(_ byte: UInt8) -> Bool { byte >= 0x20 && byte < 0x7F }

    private static func text(_ line: [UInt8], _ start: Int, _ width: Int) -> String {
        String(decoding: line[start..<(start + width)], as: UTF8.self)
    }

    /// The field without its right padding.
    private static func trimmed(_ line: [UInt8], _ start: Int, _ width: Int) -> String {
        var end = start + width
        while end > start, line[end - 1] == UInt8(ascii: " ") { end -= 1 }
        return String(decoding: line[start..<end], as: UTF8.self)
    }

    private static func isLeftAligned(_ line: [UInt8], _ start: Int, _ width: Int) -> Bool {
        line[start] != UInt8(ascii: " ")
    }

    /// Exactly `width` digits.
    private static func number(_ line: [UInt8], _ start: Int, _ width: Int) -> Int64? {
        var value: Int64 = 0
        for byte in line[start..<(start + width)] {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        return value
    }

    private static func zeroPadded(_ value: Int64, _ width: Int) -> String? {
        guard value >= 0 else { return nil }
        let digits = String(value)
        guard digits.count <= width else { return nil }
        return String(repeating: "0", count: width - digits.count) + digits
    }

    private static func padded(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.utf8.count))
    }

    /// 1–32 of `[A-Za-z0-9_-]`, as the document allows for SerialNo.
    public static func isSerial(_ text: String) -> Bool {
        (1...32).contains(text.utf8.count)
            && text.utf8.allSatisfy { byte in
                (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                    || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
            }
    }

    /// `HX` and 20 digits.
    public static func isBankSerial(_ text: String) -> Bool {
        text.utf8.count == 22 && text.hasPrefix("HX")
            && text.utf8.dropFirst(2).allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    static func isDate(_ text: String) -> Bool {
        guard text.utf8.count == 8, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let value = Int(text) else { return false }
        let (year, month, day) = (value / 10_000, value / 100 % 100, value % 100)
        guard year >= 1970, (1...12).contains(month), day >= 1 else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        return day <= [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    }

    static func isTime(_ text: String) -> Bool {
        guard text.utf8.count == 6, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let value = Int(text) else { return false }
        return value / 10_000 < 24 && value / 100 % 100 < 60 && value % 100 < 60
    }
}

/// What is wrong with a statement line, in words that name the field.
public struct HaixiStatementIssue: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
