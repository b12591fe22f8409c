import ChannelKit
import Foundation
import JiangnanProtocol
import Testing

@testable import Jiangnan

/// The statement line's one-pass reading (``JiangnanStatementLine/parseCommon(_:lineNumber:into:)``) is a fast
/// path: it must accept only lines the full checks accept, with the same record, and take every ordinary line.
@Suite struct JiangnanStatementLineTests {
    static let date = BusinessDate(year: 2026, month: 11, day: 24)!
    static let cny = Currency(code: "CNY")!
    static let valid = [
        "20261124,2026-11-24T10:15:02+08:00,pay_01J0000000000000000000001,JN000000000000000001,PAY,12345,12,CNY,SUCCESS,",
        "20261124,2026-11-24T10:15:02+08:00,pay_01J0000000000000000000002,JN000000000000000002,PAY,1,0,CNY,FAILED,",
        "20261124,2026-11-24T23:59:59+08:00,ref_01J0000000000000000000001,JN000000000000000003,REFUND,2000,0,CNY,SUCCESS,pay_01J0000000000000000000001",
        "20261124,2026-11-24T00:00:00+08:00,p,J,PAY,\(JiangnanRules.maximumAmount),\(JiangnanRules.maximumAmount),CNY,SUCCESS,",
        "20261124,2026-11-24T00:00:00+08:00,\(String(repeating: "a", count: 64)),JN-1_x,REFUND,7,0,CNY,FAILED,\(String(repeating: "Z", count: 64))",
    ]

    enum Outcome: Equatable {
        case record(StatementRecord, amount: Int64, fee: Int64, succeeded: Bool)
        case issue(String)
        case declined
    }

    static func run(_ text: String, checks: Bool, parser: inout JiangnanStatementLine) -> Outcome {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { raw in
            let line = UnsafeBufferPointer(raw)
            var records: [StatementRecord] = []
            let result = checks
                ? parser.parseWithChecks(line, lineNumber: 7, into: &records)
                : parser.parseCommon(line, lineNumber: 7, into: &records)
            switch result {
            case .record(let amount, let fee, let succeeded)?:
                #expect(records.count == 1)
                return .record(records[0], amount: amount, fee: fee, succeeded: succeeded)
            case .issue(let reason)?:
                #expect(records.isEmpty)
                return .issue(reason)
            case nil:
                #expect(records.isEmpty)
                return .declined
            }
        }
    }

    static func compare(_ text: String, parser: inout JiangnanStatementLine) -> (fast: Outcome, full: Outcome) {
        let fast = run(text, checks: false, parser: &parser)
        let full = run(text, checks: true, parser: &parser)
        if case .record = fast { #expect(fast == full, "fast path and full checks disagree on: \(text)") }
        if case .issue = fast { Issue.record("the fast path reports issues itself: \(text)") }
        return (fast, full)
    }

    @Test func ordinaryLinesTakeTheFastPathWithTheFullChecksRecord() {
        var parser = JiangnanStatementLine(businessDate: Self.date, currency: Self.cny)
        for text in Self.valid {
            let (fast, full) = Self.compare(text, parser: &parser)
            guard case .record = full else {
                Issue.record("full checks refuse a valid line: \(text) → \(full)")
                continue
            }
            #expect(fast != .declined, "the fast path declines an ordinary line: \(text)")
        }
        // The cached finished_at of the previous line is not reused for another second.
        let first = Self.compare(Self.valid[0], parser: &parser).fast
        let other = Self.valid[0].replacingOccurrences(of: "10:15:02", with: "10:15:03")
        let second = Self.compare(other, parser: &parser).fast
        if case .record(let a, _, _, _) = first, case .record(let b, _, _, _) = second {
            #expect(b.finishedAt == a.finishedAt.map { $0 + 1 })
        } else {
            Issue.record("expected records")
        }
    }

    /// Every one-byte change of valid lines (each position set to each of a set of bytes that matter to the
    /// grammar): the fast path never accepts a line the full checks refuse, nor a different record.
    @Test func everyOneByteChangeIsJudgedLikeTheFullChecks() {
        var parser = JiangnanStatementLine(businessDate: Self.date, currency: Self.cny)
        let replacements = Array(",:-+T0159aZ_ .#\u{7f}".utf8) + [0x00, 0xC3, 0x0D]
        var declined = 0
        var checked = 0
        for text in Self.valid {
            let bytes = Array(text.utf8)
            for position in bytes.indices {
                for byte in replacements where byte != bytes[position] {
                    var changed = bytes
                    changed[position] = byte
                    let mutated = String(decoding: changed, as: UTF8.self)
                    guard mutated.utf8.count == changed.count else { continue }  // not valid UTF-8 alone
                    let (fast, full) = Self.compare(mutated, parser: &parser)
                    checked += 1
                    if fast == .declined, case .record = full { declined += 1 }
                }
                // Deleting the byte, and doubling it.
                for changed in [Array(bytes[..<position] + bytes[(position + 1)...]), Array(bytes[...position] + bytes[position...])] {
                    _ = Self.compare(String(decoding: changed, as: UTF8.self), parser: &parser)
                    checked += 1
                }
            }
        }
        #expect(checked > 5000)
        // Valid variants the fast path leaves to the full checks exist (another currency would be one), but
        // changes inside ids and amounts that stay valid are taken by the fast path.
        #expect(declined < checked / 10)
    }

    @Test func otherDatesAndCurrenciesGoToTheFullChecks() {
        var parser = JiangnanStatementLine(businessDate: Self.date, currency: Self.cny)
        let usd = Self.valid[0].replacingOccurrences(of: ",CNY,", with: ",USD,")
        let (fast, full) = Self.compare(usd, parser: &parser)
        #expect(fast == .declined)
        guard case .record(let record, _, _, _) = full else {
            Issue.record("USD line refused: \(full)")
            return
        }
        #expect(record.amount.currency.code == "USD")
        let yesterday = Self.valid[0].replacingOccurrences(of: "20261124,2026-11-24", with: "20261123,2026-11-23")
        #expect(Self.compare(yesterday, parser: &parser).fast == .declined)
    }
}
