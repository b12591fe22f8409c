import Testing

@testable import MinbeiProtocol

@Suite("Minbei statement lines: written and read as GBK bytes, a remark's 0x7C bytes are not separators")
struct MinbeiStatementTests {
    static let pay = MinbeiStatement.Line(
        transDate: "20261201", transTime: "101500", isRefund: false, orderNo: "pay_01J0000000000000000000000", refundNo: "",
        bankSequence: "20261201000000000001", amount: 12_345, fee: 37, currency: "156", succeeded: true, remark: "茶叶 订单42")
    static let refund = MinbeiStatement.Line(
        transDate: "20261201", transTime: "235959", isRefund: true, orderNo: "pay_01J0000000000000000000000",
        refundNo: "rfd_01J0000000000000000000001", bankSequence: "20261201000000000002", amount: 300, fee: 0,
        currency: "156", succeeded: false, remark: "壹億元以內退款")

    @Test("a payment and a refund line round-trip; the refund's remark holds 0x7C bytes (億 is 83 7C) and still reads whole")
    func roundTrip() throws {
        for line in [Self.pay, Self.refund] {
            let bytes = try #require(MinbeiStatement.write(line))
            #expect(try MinbeiStatement.parseLine(bytes).get() == line)
        }
        let bytes = try #require(MinbeiStatement.write(Self.refund))
        #expect(bytes.filter { $0 == UInt8(ascii: "|") }.count > 10, "the remark's GBK bytes include 0x7C")
        #expect(String(decoding: bytes.prefix(63), as: UTF8.self).hasPrefix("20261201|235959|02|pay_01J0000000000000000000000|rfd_"))
        let text = try #require(MinbeiStatement.write(Self.pay))
        #expect(GBK.decode(text) == "20261201|101500|01|pay_01J0000000000000000000000||20261201000000000001|123.45|0.37|156|S|茶叶 订单42")
    }

    @Test("a whole file: header totals over the S lines, gzip'd, read back in pieces line by line")
    func wholeFile() throws {
        var lines: [MinbeiStatement.Line] = []
        for index in 0..<500 {
            var line = index % 7 == 3 ? Self.refund : Self.pay
            line.orderNo = "pay_\(index)"
            if line.isRefund { line.refundNo = "rfd_\(index)" }
            line.bankSequence = "2026120100" + String(String(1_000_000_000 + index).suffix(10))
            line.succeeded = index % 5 != 0
            lines.append(line)
        }
        let succeeded = lines.filter(\.succeeded)
        let header = MinbeiStatement.Header(
            merchantId: "MB0001", billDate: "20261201", totalCount: lines.count,
            totalAmount: succeeded.reduce(0) { $0 + $1.amount }, totalFee: succeeded.reduce(0) { $0 + $1.fee })
        var file = try #require(MinbeiStatement.write(header)) + [0x0A]
        for line in lines { file += try #require(MinbeiStatement.write(line)) + [0x0A] }
        let compressed = try GzipTests.gzip(file, pieces: 997)

        let inflater = try GzipInflater(chunk: 4096)
        var pending: [UInt8] = []
        var parsed: [MinbeiStatement.Line] = []
        var readHeader: MinbeiStatement.Header?
        var offset = 0
        while offset < compressed.count {
            let end = min(compressed.count, offset + 1500)
            try inflater.inflate(compressed[offset..<end]) { piece in
                pending += piece
                while let newline = pending.firstIndex(of: 0x0A) {
                    let line = pending[..<newline]
                    if readHeader == nil {
                        readHeader = try MinbeiStatement.parseHeader(line).get()
                    } else {
                        parsed.append(try MinbeiStatement.parseLine(line).get())
                    }
                    pending.removeSubrange(...newline)
                }
            }
            offset = end
        }
        #expect(inflater.isComplete && pending.isEmpty)
        #expect(readHeader == header)
        #expect(parsed == lines)
        #expect(parsed.filter(\.succeeded).reduce(0) { $0 + $1.amount } == header.totalAmount)
    }

    @Test("malformed lines name every bad field")
    func malformed() {
        func issue(_ text: String) -> String? {
            guard case .failure(let issue) = MinbeiStatement.parseLine(GBK.encode(text)!) else { return nil }
            return issue.description
        }
        #expect(issue("20261201|101500|01|pay_1") == "expected 11 |-separated fields, found 4")
        #expect(
            issue("20261301|246000|03|pay 1|x|123|1.2|-0.01|CNY|P|备注")
                == "trans_date is not yyyyMMdd; trans_time is not HHmmss; trans_type is neither 01 nor 02; order_no is not an order number; bank_seq is not 20 digits; amount is not a yuan amount above 0; fee is not a yuan amount; cur is not an ISO 4217 numeric code; trans_status is neither S nor F")
        #expect(issue("20261201|101500|01|pay_1|rfd_1|20261201000000000001|1.00|0.00|156|S|") == "refund_no is given for a payment")
        #expect(issue("20261201|101500|02|pay_1||20261201000000000001|1.00|0.00|156|S|") == "refund_no is not a refund number")
        #expect(issue("20261201|101500|01|pay_1||20261201000000000001|0.00|0.00|156|S|") == "amount is not a yuan amount above 0")
        #expect(issue("20260229|101500|01|pay_1||20261201000000000001|1.00|0.00|156|S|") == "trans_date is not yyyyMMdd")
        #expect(issue("20240229|101500|01|pay_1||20261201000000000001|1.00|0.00|156|S|") == nil, "2024 is a leap year")
        var bad = GBK.encode("20261201|101500|01|pay_1||20261201000000000001|1.00|0.00|156|S|")!
        bad += [0xB6]
        if case .failure(let problem) = MinbeiStatement.parseLine(bad) {
            #expect(problem.description == "remark is not GBK text")
        } else {
            Issue.record("half a GBK character was accepted")
        }
        #expect(MinbeiStatement.write(MinbeiStatement.Line(
            transDate: "20261201", transTime: "101500", isRefund: false, orderNo: "p", refundNo: "", bankSequence: "1",
            amount: 1, fee: 0, currency: "156", succeeded: true, remark: "a|b")) == nil)
    }

    @Test("malformed headers are refused with the field")
    func headers() {
        func issue(_ text: String) -> String? {
            guard case .failure(let issue) = MinbeiStatement.parseHeader(Array(text.utf8)) else { return nil }
            return issue.description
        }
        #expect(issue("MB0001|20261201|3|10.00|0.03") == nil)
        #expect(issue("MB0001|20261201|3|10.00") == "header: expected 5 fields, found 4")
        #expect(issue("|20261201|3|10.00|0.03") == "header: mer_id is empty")
        #expect(issue("MB0001|2026-12-01|3|10.00|0.03") == "header: bill_date is not yyyyMMdd")
        #expect(issue("MB0001|20261201|-3|10.00|0.03") == "header: total_count is not a count")
        #expect(issue("MB0001|20261201|3|10|0.03") == "header: total_amount is not a yuan amount")
        #expect(issue("MB0001|20261201|3|10.00|0.3") == "header: total_fee is not a yuan amount")
    }
}

@Suite("Minbei statement header totals")
struct MinbeiStatementHeaderTests {
    @Test("a day's totals may pass what one payment can hold (99,999,999.99): up to 16 integer digits round-trip")
    func largeTotals() throws {
        let header = MinbeiStatement.Header(
            merchantId: "MB0001", billDate: "20261201", totalCount: 2_000_000, totalAmount: 512_345_678_901_234,
            totalFee: 512_345_678_901)
        let bytes = try #require(MinbeiStatement.write(header))
        #expect(String(decoding: bytes, as: UTF8.self) == "MB0001|20261201|2000000|5123456789012.34|5123456789.01")
        #expect(try MinbeiStatement.parseHeader(bytes).get() == header)
        #expect(MinbeiAmount.totalMinorUnits("1.2") == nil && MinbeiAmount.totalMinorUnits("-1.00") == nil)
        // A single amount keeps the bank's eight integer digits.
        #expect(MinbeiAmount.minorUnits("123456789.00") == nil)
    }
}
