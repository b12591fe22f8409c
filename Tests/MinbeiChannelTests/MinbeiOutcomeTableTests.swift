import ChannelKit
import Foundation
import MinbeiProtocol
import Testing

@testable import Minbei

/// Every row of the document's `resp_code` table, for pay, refund and query, maps to the outcome the document
/// gives; every malformed yuan string in an answer is unverifiable, never guessed.
@Suite("Minbei resp_code table")
struct MinbeiOutcomeTableTests {
    /// What a test expects of an outcome.
    enum Expected: Equatable, CustomStringConvertible {
        case succeeded
        case declined(DeclineReason)
        case pending(PendingCause)
        case notFound

        var description: String {
            switch self {
            case .succeeded: "succeeded"
            case .declined(let reason): "declined(\(reason.rawValue))"
            case .pending(let cause): "pending(\(cause.rawValue))"
            case .notFound: "not found"
            }
        }

        init(_ outcome: ChannelOutcome) {
            switch outcome.status {
            case .succeeded: self = .succeeded
            case .declined: self = .declined(outcome.declineReason!)
            case .pending: self = .pending(outcome.pendingCause!)
            }
        }

        init(_ result: QueryResult) {
            self = result.outcome.map(Expected.init) ?? .notFound
        }
    }

    static let payId = "pay_01J0000000000000000000000"
    static let refundId = "rfd_01J0000000000000000000001"
    static let bankSeq = "20261201000000000042"

    /// The document's table for a pay or refund (94: the original is queried, and found succeeded here).
    static let payRows: [(code: String, expected: Expected)] = [
        ("00", .succeeded),
        ("09", .pending(.processing)),
        ("05", .declined(.declined)),
        ("51", .declined(.declined)),
        ("61", .declined(.refusedTryElsewhere)),
        ("94", .succeeded),
        ("25", .pending(.unverifiable)),  // a query answer, not a pay or refund answer
        ("A0", .declined(.refusedTryElsewhere)),
        ("91", .pending(.busy)),
        ("96", .pending(.serverError)),
        ("B1", .pending(.unverifiable)),  // a bill answer
        ("77", .pending(.unverifiable)),  // not in the document
    ]

    /// The document's table for a query: only 00 and 25 say anything about the transaction.
    static let queryRows: [(code: String, expected: Expected)] = [
        ("00", .succeeded),
        ("09", .pending(.processing)),
        ("05", .pending(.unverifiable)),
        ("51", .pending(.unverifiable)),
        ("61", .pending(.unverifiable)),
        ("94", .pending(.unverifiable)),
        ("25", .notFound),
        ("A0", .pending(.unverifiable)),
        ("91", .pending(.busy)),
        ("96", .pending(.serverError)),
        ("B1", .pending(.unverifiable)),
    ]

    @Test("the table lists every code of the document")
    func everyCode() {
        #expect(Set(Self.payRows.map(\.code)).isSuperset(of: MinbeiCode.all))
        #expect(Set(Self.queryRows.map(\.code)) == Set(MinbeiCode.all))
    }

    @Test("pay: each resp_code", arguments: payRows.map(\.code))
    func pay(code: String) async throws {
        let expected = Self.payRows.first { $0.code == code }!.expected
        let bank = ScriptedBank { form in
            switch (form["service"], code) {
            case ("query", _):
                .answer(
                    "00",
                    [("trans_type", "01"), ("order_no", Self.payId), ("bank_seq", Self.bankSeq), ("amount", "123.45"),
                     ("trans_time", "20261201101500"), ("trans_status", "S")])
            case (_, "00"), (_, "09"):
                .answer(code, [("order_no", Self.payId), ("bank_seq", Self.bankSeq), ("amount", "123.45"), ("trans_time", "20261201101500")])
            default:
                .answer(code, [("order_no", Self.payId)])
            }
        }
        let channel = try makeChannel(bank)
        let outcome = try await channel.pay(PayRequest(transactionId: Self.payId, amount: Demo.money(12345), subject: "订单42"))
        #expect(Expected(outcome) == expected, "\(code): \(outcome)")
        #expect(outcome.status != .declined || outcome.bankCode == code)
        if expected == .succeeded {
            #expect(outcome.bankTransactionId == Self.bankSeq && outcome.amount == Demo.money(12345))
        }
        #expect(bank.requests.map { $0.form["service"] } == (code == "94" ? ["pay", "query"] : ["pay"]))
    }

    @Test("refund: each resp_code", arguments: payRows.map(\.code))
    func refund(code: String) async throws {
        let expected = Self.payRows.first { $0.code == code }!.expected
        let bank = ScriptedBank { form in
            switch (form["service"], code) {
            case ("query", _):
                .answer(
                    "00",
                    [("trans_type", "02"), ("refund_no", Self.refundId), ("bank_seq", Self.bankSeq), ("amount", "20.00"),
                     ("trans_time", "20261201101500"), ("trans_status", "S")])
            case (_, "00"):
                .answer(code, [("refund_no", Self.refundId), ("bank_seq", Self.bankSeq), ("refund_amount", "20.00")])
            default:
                .answer(code, [("refund_no", Self.refundId)])
            }
        }
        let channel = try makeChannel(bank)
        let outcome = try await channel.refund(
            RefundRequest(
                transactionId: Self.refundId, paymentTransactionId: Self.payId, amount: Demo.money(2000),
                paymentAmount: Demo.money(12345), reason: "退款"))
        #expect(Expected(outcome) == expected, "\(code): \(outcome)")
        #expect(bank.requests.first?.form["refund_amount"] == "20.00")
        #expect(bank.requests.first?.form["order_no"] == Self.payId)
    }

    @Test("query: each resp_code", arguments: queryRows.map(\.code))
    func query(code: String) async throws {
        let expected = Self.queryRows.first { $0.code == code }!.expected
        let bank = ScriptedBank { _ in
            code == "00"
                ? .answer(
                    "00",
                    [("trans_type", "01"), ("order_no", Self.payId), ("bank_seq", Self.bankSeq), ("amount", "123.45"),
                     ("trans_time", "20261201101500"), ("trans_status", "S")])
                : .answer(code, [])
        }
        let channel = try makeChannel(bank)
        let result = try await channel.query(
            QueryRequest(transactionId: Self.payId, kind: .payment, expectedAmount: Demo.money(12345)))
        #expect(Expected(result) == expected, "\(code): \(result)")
    }

    @Test("query 00: trans_status S, F, P and anything else")
    func transStatus() async throws {
        let rows: [(String, Expected)] = [
            ("S", .succeeded), ("F", .declined(.declined)), ("P", .pending(.processing)), ("X", .pending(.unverifiable)),
            ("", .pending(.unverifiable)),
        ]
        for (status, expected) in rows {
            let bank = ScriptedBank { _ in
                .answer(
                    "00",
                    [("trans_type", "01"), ("order_no", Self.payId), ("bank_seq", Self.bankSeq), ("amount", "123.45"),
                     ("trans_time", "20261201101500"), ("trans_status", status)])
            }
            let result = try await makeChannel(bank).query(
                QueryRequest(transactionId: Self.payId, kind: .payment, expectedAmount: Demo.money(12345)))
            #expect(Expected(result) == expected, "\(status): \(result)")
            if status == "F" { #expect(result.outcome?.bankCode == "F", "a decline never carries 00") }
        }
    }

    @Test("a malformed or different yuan amount in a 00 answer is unverifiable, never guessed",
          arguments: ["1.2", "1.234", "-1.00", "1e3", "123.450", "0123.45", "123.45 ", " 123.45", "123,45", "", "123.44"])
    func malformedAmounts(text: String) async throws {
        let pay = ScriptedBank { _ in
            .answer("00", [("order_no", Self.payId), ("bank_seq", Self.bankSeq), ("amount", text), ("trans_time", "20261201101500")])
        }
        let outcome = try await makeChannel(pay).pay(PayRequest(transactionId: Self.payId, amount: Demo.money(12345), subject: "x"))
        #expect(Expected(outcome) == .pending(.unverifiable), "\(text): \(outcome)")
        let query = ScriptedBank { _ in
            .answer(
                "00",
                [("trans_type", "01"), ("order_no", Self.payId), ("bank_seq", Self.bankSeq), ("amount", text),
                 ("trans_time", "20261201101500"), ("trans_status", "S")])
        }
        let result = try await makeChannel(query).query(
            QueryRequest(transactionId: Self.payId, kind: .payment, expectedAmount: Demo.money(12345)))
        #expect(Expected(result) == .pending(.unverifiable), "\(text): \(result)")
    }

    @Test("unsigned, badly signed, unreadable, HTTP 5xx and timeouts are pending; a refused connection is not sent")
    func unknownOutcomes() async throws {
        let fields: [(name: String, value: String)] = [
            ("resp_code", "00"), ("order_no", Self.payId), ("bank_seq", Self.bankSeq), ("amount", "123.45"),
        ]
        var badlySigned = MinbeiSigner(key: "another-key").signed(MinbeiForm(fields))!.fields
        badlySigned.removeAll { $0.name == "x" }
        let cases: [(BankAction, Expected)] = [
            (.unsigned(fields), .pending(.unverifiable)),
            (.unsigned(badlySigned), .pending(.unverifiable)),
            // Declines are trusted only when signed: an unsigned 51 is pending.
            (.unsigned([("resp_code", "51")]), .pending(.unverifiable)),
            (.raw(HTTPResponseMessage(status: 200, body: Data("resp_code=00&%".utf8))), .pending(.unverifiable)),
            (.raw(HTTPResponseMessage(status: 502, body: Data("bad gateway".utf8))), .pending(.serverError)),
            (.raw(HTTPResponseMessage(status: 404)), .pending(.unverifiable)),
            (.fail(TransportError(.timedOut, "no answer within 1 s")), .pending(.timeout)),
            (.fail(TransportError(.connectionLost, "reset")), .pending(.connectionLost)),
            (.fail(TransportError(.notSent, "connection refused")), .declined(.notSent)),
        ]
        for (action, expected) in cases {
            let bank = ScriptedBank { _ in action }
            let outcome = try await makeChannel(bank).pay(
                PayRequest(transactionId: Self.payId, amount: Demo.money(12345), subject: "x"))
            #expect(Expected(outcome) == expected, "\(action): \(outcome)")
        }
    }

    @Test("an answer naming another order, or a bank_seq that is not 20 digits, is unverifiable")
    func mismatches() async throws {
        for fields: [(name: String, value: String)] in [
            [("order_no", "pay_other"), ("bank_seq", Self.bankSeq), ("amount", "123.45")],
            [("order_no", Self.payId), ("bank_seq", "123"), ("amount", "123.45")],
            [("bank_seq", Self.bankSeq), ("amount", "123.45")],
        ] {
            let bank = ScriptedBank { _ in .answer("00", fields) }
            let outcome = try await makeChannel(bank).pay(PayRequest(transactionId: Self.payId, amount: Demo.money(12345), subject: "x"))
            #expect(Expected(outcome) == .pending(.unverifiable), "\(fields): \(outcome)")
        }
    }
}
