import Testing

@testable import HaixiProtocol

@Suite("Haixi statement lines: fixed-width, written and read by position")
struct HaixiStatementTests {
    static let pay = HaixiStatement.Line(
        isRefund: false, serialNo: "pay_01J0000000000000000000000", bankSerialNo: "HX20261201000000000001",
        finishTime: "20261201101500", amount: 12_345, fee: 37, currency: "CNY", succeeded: true, originalSerialNo: "")
    static let refund = HaixiStatement.Line(
        isRefund: true, serialNo: "rfd_01J0000000000000000000001", bankSerialNo: "HX20261201000000000002",
        finishTime: "20261201235959", amount: 300, fee: 0, currency: "CNY", succeeded: false,
        originalSerialNo: "pay_01J0000000000000000000000")

    @Test("lines are 127 characters at the document's positions and round-trip; the header is 62")
    func roundTrip() throws {
        let bytes = try #require(HaixiStatement.write(Self.pay))
        #expect(bytes.count == 127)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text == "DP" + "pay_01J0000000000000000000000   " + "HX20261201000000000001" + "20261201101500" + "000000012345"
            + "00000037" + "CNY" + "00" + String(repeating: " ", count: 32))
        #expect(try HaixiStatement.parseLine(bytes).get() == Self.pay)
        let refund = try #require(HaixiStatement.write(Self.refund))
        #expect(try HaixiStatement.parseLine(refund).get() == Self.refund)
        let header = HaixiStatement.Header(billDate: "20261201", merchantId: "HX310000001", recordCount: 2, totalAmount: 12_345, totalFee: 37)
        let headerBytes = try #require(HaixiStatement.write(header))
        #expect(String(decoding: headerBytes, as: UTF8.self) == "H20261201HX310000001    0000000002" + "0000000000012345" + "000000000037")
        #expect(try HaixiStatement.parseHeader(headerBytes).get() == header)
    }

    @Test("malformed lines name every bad field; values too wide are not written")
    func malformed() throws {
        func issue(_ text: String) -> String? {
            guard case .failure(let issue) = HaixiStatement.parseLine(Array(text.utf8)) else { return nil }
            return issue.description
        }
        var good = String(decoding: try #require(HaixiStatement.write(Self.pay)), as: UTF8.self)
        #expect(issue(good) == nil)
        #expect(issue(String(good.dropLast())) == "126 characters, not 127")
        good = String(decoding: try #require(HaixiStatement.write(Self.refund)), as: UTF8.self)
        var chars = Array(good)
        chars[0] = "X"; chars[1] = "Q"; chars[2] = " "
        chars[34] = "Y"
        chars[60] = "9"; chars[61] = "9"
        for index in 70..<82 { chars[index] = "0" }
        chars[85] = "a"
        chars[90] = "c"
        chars[93] = "0"; chars[94] = "1"
        #expect(issue(String(chars)) == "record type is not D; TxType is neither P nor R; SerialNo is not a left-aligned serial number; BankSerialNo is not HX and 20 digits; FinishTime is not yyyyMMddHHmmss; Amount is not 12 digits above 0; Fee is not 8 digits; Currency is not an ISO 4217 code; TxStatus is neither 00 nor 02; OrigSerialNo is given for a payment")
        var refundChars = Array(good)
        for index in 95..<127 { refundChars[index] = " " }
        #expect(issue(String(refundChars)) == "OrigSerialNo is not a left-aligned serial number")
        var tooWide = Self.pay
        tooWide.amount = 1_000_000_000_000
        #expect(HaixiStatement.write(tooWide) == nil)
        tooWide = Self.pay
        tooWide.serialNo = String(repeating: "a", count: 33)
        #expect(HaixiStatement.write(tooWide) == nil)
        #expect(HaixiStatement.parseHeader(Array("H2026120".utf8)) == .failure(HaixiStatementIssue("header: 8 characters, not 62")))
    }
}
