import ChannelKit
import Foundation
import HaixiProtocol
import Testing

@testable import Haixi

@Suite("Haixi channel: messages, verification, the RespCode table")
struct HaixiChannelTests {
    static let vectorSignedBytes =
        "<Head><TxCode>1001</TxCode><MerId>HX310000001</MerId><TxTime>20261125100000</TxTime><SerialNo>pay_01J0000000000000000000000</SerialNo></Head><Body><Amount>12345</Amount><Currency>CNY</Currency><Subject>order 42</Subject><NotifyUrl>http://127.0.0.1:8080/v1/notify/haixi</NotifyUrl></Body>"
    static let vectorSignature =
        "XBSMNrYDM+ET2rBEuQT+5/o1o6LV1ekz4plfI2KWFoburZoR9DH/AXiRSmEIOBHzNKIdnxmclor0QF8ZoC012DfgB4pKPJnniosZh/+seyA60SR5x3smdHuKFE5foGebIqwxpJWwTvGjoLWSMd7UXo/JD3JxaAMQefjOQowmoE5uFXONsOthg4g/VuwTTVtVhapo8NDy0Z+ZVCc+V9C7vvBOMru90xE+ngvoWQ/tCCZKwyXi9l4geFo4a93PPXOeZ/YgcGxs82wl59eHXFW8MOw/ps+SqNSeeMBZloMjhWazVq1CBASBPrr6HP5coFnLTaYGjDI9ZGWrAUdB6VrzJg=="

    static func pay(_ id: String = "pay_01J0000000000000000000000", amount: Int64 = 12345) -> PayRequest {
        PayRequest(transactionId: id, amount: Demo.money(amount), subject: "order 42")
    }

    static func refund(_ id: String = "ref_1", amount: Int64 = 2000) -> RefundRequest {
        RefundRequest(
            transactionId: id, paymentTransactionId: "pay_1", amount: Demo.money(amount), paymentAmount: Demo.money(12345),
            reason: "customer asked")
    }

    // MARK: - The document's vector and the messages

    @Test("the channel writes the document's vector's signed bytes exactly, and the vector verifies with haixi-merchant-demo.pub")
    func vector() async throws {
        let bank = FakeBank { request in .answer(BankAnswer(code: "000000", body: resultBody(amount: 12345))) }
        let channel = try makeChannel(bank: bank)
        _ = try await channel.pay(Self.pay())
        let sent = try #require(bank.requests.first)
        #expect(String(decoding: sent.signedBytes, as: UTF8.self) == Self.vectorSignedBytes)
        #expect(sent.signatureValid, "signed with the channel's merchant key")
        #expect(sent.url.absoluteString == "http://127.0.0.1:9200/gateway")
        #expect(sent.headers.value(for: "Content-Type") == "text/xml; charset=UTF-8")
        #expect(String(decoding: sent.body.prefix(38), as: UTF8.self) == #"<?xml version="1.0" encoding="UTF-8"?>"#)

        let pem = Demo.merchantDemoPublicKey
        let demo = try HaixiVerifier(publicKeyPEM: pem)
        #expect(demo.isValid(signature: Self.vectorSignature, over: sent.signedBytes))
        #expect(!demo.isValid(signature: Self.vectorSignature, over: Array(sent.signedBytes.dropLast())))
    }

    @Test("refund and query messages carry the document's Body in its order; query SerialNo is fresh")
    func refundAndQueryMessages() async throws {
        let bank = FakeBank { request in
            switch request.txCode {
            case "1002": .answer(BankAnswer(code: "000000", body: resultBody(amount: 2000)))
            default: .answer(BankAnswer(code: "300004"))
            }
        }
        let channel = try makeChannel(bank: bank)
        _ = try await channel.refund(Self.refund())
        _ = try await channel.query(QueryRequest(transactionId: "pay_1", kind: .payment, expectedAmount: Demo.money(5)))
        _ = try await channel.query(QueryRequest(transactionId: "pay_1", kind: .payment, expectedAmount: Demo.money(5)))
        let requests = bank.requests
        let refundText = String(decoding: requests[0].signedBytes, as: UTF8.self)
        #expect(refundText.hasSuffix(
            "<SerialNo>ref_1</SerialNo></Head><Body><OrigSerialNo>pay_1</OrigSerialNo><Amount>2000</Amount><Reason>customer asked</Reason></Body>"))
        #expect(requests[1].fields == ["QuerySerialNo": "pay_1"])
        #expect(requests[1].txCode == "1003")
        #expect(requests[1].serialNo != requests[2].serialNo)
        #expect(HaixiStatement.isSerial(requests[1].serialNo))
        #expect(requests[1].head["TxTime"] == "20261125100000")
    }

    @Test("ids outside 1–32 of [A-Za-z0-9_-], other currencies, bad amounts are refused before sending")
    func refusedBeforeSending() async throws {
        let bank = FakeBank { _ in .fail(TransportError(.notSent, "unused")) }
        let channel = try makeChannel(bank: bank)
        for id in ["", String(repeating: "a", count: 33), "pay 1", "pay/1", "支付"] {
            let error = await #expect(throws: PaymentChannelError.self) { try await channel.pay(Self.pay(id)) }
            #expect(error?.code == .invalidRequest)
        }
        let usd = PayRequest(transactionId: "pay_1", amount: Money(minorUnits: 5, currency: Currency(code: "USD")!), subject: "x")
        let currency = await #expect(throws: PaymentChannelError.self) { try await channel.pay(usd) }
        #expect(currency?.code == .unsupportedCurrency)
        let zero = await #expect(throws: PaymentChannelError.self) { try await channel.pay(Self.pay(amount: 0)) }
        #expect(zero?.code == .amountOutOfRange)
        let control = PayRequest(transactionId: "pay_1", amount: Demo.money(5), subject: "bell\u{07}")
        let text = await #expect(throws: PaymentChannelError.self) { try await channel.pay(control) }
        #expect(text?.code == .invalidRequest)
        #expect(bank.requests.isEmpty)
        #expect(PaymentChannelError.Code.rejectsBeforeSending.contains(.invalidRequest))
    }

    // MARK: - The RespCode table

    /// What an outcome should be.
    enum Expected: Equatable, CustomStringConvertible {
        case succeeded, declined(DeclineReason), pending(PendingCause), notFound
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
            if let outcome = result.outcome { self.init(outcome) } else { self = .notFound }
        }
    }

    /// Every row of the document's RespCode table (and every TxStatus under 000000), for pay, refund, query.
    static let table: [(code: String, status: String?, payOrRefund: Expected, query: Expected)] = [
        ("000000", "00", .succeeded, .succeeded),
        ("000000", "01", .pending(.processing), .pending(.processing)),
        ("000000", "02", .declined(.declined), .declined(.declined)),
        ("000000", "07", .pending(.unverifiable), .pending(.unverifiable)),
        ("100001", nil, .pending(.processing), .pending(.processing)),
        ("200001", nil, .declined(.declined), .pending(.unverifiable)),
        ("200002", nil, .declined(.declined), .pending(.unverifiable)),
        ("200003", nil, .declined(.declined), .pending(.unverifiable)),
        ("200004", nil, .declined(.declined), .pending(.unverifiable)),
        ("300001", nil, .declined(.refusedTryElsewhere), .pending(.unverifiable)),
        ("300002", nil, .declined(.refusedTryElsewhere), .pending(.unverifiable)),
        ("300004", nil, .pending(.unverifiable), .notFound),
        ("300005", nil, .pending(.unverifiable), .pending(.unverifiable)),
        ("999999", nil, .pending(.busy), .pending(.busy)),
        ("123456", nil, .pending(.unverifiable), .pending(.unverifiable)),
    ]

    @Test("every RespCode and TxStatus maps to the document's outcome for pay, refund and query", arguments: 0..<table.count)
    func respCodeTable(_ row: Int) async throws {
        let (code, status, payOrRefund, query) = Self.table[row]
        let bank = FakeBank { request in
            var answer = BankAnswer(code: code, message: HaixiCode.message(for: code))
            if let status {
                let amount: Int64 = request.txCode == "1002" ? 2000 : 12345
                let type: String? = request.txCode == "1003" ? "PAY" : nil
                answer.body = resultBody(status: status, amount: amount, type: type)
            }
            return .answer(answer)
        }
        let channel = try makeChannel(bank: bank)
        let paid = try await channel.pay(Self.pay())
        #expect(Expected(paid) == payOrRefund, "pay \(code)/\(status ?? "-")")
        let refunded = try await channel.refund(Self.refund())
        #expect(Expected(refunded) == payOrRefund, "refund \(code)/\(status ?? "-")")
        let queried = try await channel.query(
            QueryRequest(transactionId: "pay_01J0000000000000000000000", kind: .payment, expectedAmount: Demo.money(12345)))
        #expect(Expected(queried) == query, "query \(code)/\(status ?? "-")")
        if code != "000000" { #expect(paid.bankCode == code) }
        // A decline by TxStatus carries 02, never 000000 (which would read as a success).
        if code == "000000", status == "02" {
            #expect(paid.bankCode == "02" && refunded.bankCode == "02" && queried.outcome?.bankCode == "02")
        }
        if query == .notFound { #expect(queried.notFoundCode == "300004") }
        if payOrRefund == .succeeded {
            #expect(paid.amount == Demo.money(12345))
            #expect(paid.bankTransactionId == "HX00000000000000000001")
            #expect(paid.finishedAt == Date(timeIntervalSince1970: Demo.vectorTime.timeIntervalSince1970 + 5))
            #expect(refunded.amount == Demo.money(2000))
        }
    }

    @Test("a 100001 answer that names the bank's id keeps it on the pending outcome; a malformed one is dropped")
    func processingKeepsTheBankId() async throws {
        let named = try makeChannel(bank: FakeBank { _ in
            .answer(BankAnswer(code: "100001", body: [("BankSerialNo", "HX00000000000000000009"), ("TxStatus", "01"), ("Amount", "12345")]))
        })
        let outcome = try await named.pay(Self.pay())
        #expect(outcome.pendingCause == .processing)
        #expect(outcome.bankTransactionId == "HX00000000000000000009")
        let malformed = try makeChannel(bank: FakeBank { _ in .answer(BankAnswer(code: "100001", body: [("BankSerialNo", "X1")])) })
        #expect(try await malformed.pay(Self.pay()).bankTransactionId == nil)
    }

    @Test("the decline reasons are exactly the document's refusals")
    func declineTable() {
        #expect(HaixiOutcomeMapper.declineReasons.keys.sorted() == ["200001", "200002", "200003", "200004", "300001", "300002"])
        #expect(HaixiOutcomeMapper.declineReasons.filter { $0.value.mayTryAnotherChannel }.keys.sorted() == ["300001", "300002"])
    }

    // MARK: - Answers that cannot be trusted

    @Test("an answer signed with another key, or not a message, is pending unverifiable; never declined")
    func badlySignedAnswer() async throws {
        for forged in [BankAnswer(code: "200001", signer: Demo.stranger), BankAnswer(code: "000000", body: resultBody(amount: 12345), signer: Demo.merchant)] {
            let channel = try makeChannel(bank: FakeBank { _ in .answer(forged) })
            let outcome = try await channel.pay(Self.pay())
            #expect(outcome.status == .pending)
            #expect(outcome.pendingCause == .unverifiable)
            let query = try await channel.query(QueryRequest(transactionId: "pay_1", kind: .payment, expectedAmount: Demo.money(1)))
            #expect(query.outcome?.pendingCause == .unverifiable)
        }
        let garbage = HTTPResponseMessage(status: 200, body: Data("<html>busy</html>".utf8))
        let channel = try makeChannel(bank: FakeBank { _ in .raw(garbage) })
        #expect(try await channel.pay(Self.pay()).pendingCause == .unverifiable)
    }

    @Test("a verified answer with another SerialNo, TxCode, MerId, amount or TxType is pending unverifiable")
    func mismatchingAnswers() async throws {
        let answers: [BankAnswer] = [
            BankAnswer(code: "000000", body: resultBody(amount: 12345), headOverrides: ["SerialNo": "pay_other"]),
            BankAnswer(code: "000000", body: resultBody(amount: 12345), headOverrides: ["TxCode": "1002"]),
            BankAnswer(code: "000000", body: resultBody(amount: 12345), headOverrides: ["MerId": "HX399999999"]),
            BankAnswer(code: "000000", body: resultBody(amount: 12346)),
            BankAnswer(code: "000000", body: resultBody(amount: 12345, bankSerialNo: "HX123")),
            BankAnswer(code: "000000", body: resultBody(amount: 12345, finishTime: "20261325100000")),
            BankAnswer(code: "200001", headOverrides: ["SerialNo": "pay_other"]),
        ]
        for answer in answers {
            let channel = try makeChannel(bank: FakeBank { _ in .answer(answer) })
            let outcome = try await channel.pay(Self.pay())
            #expect(outcome.status == .pending, "\(answer.headOverrides) \(answer.body.map(\.value))")
            #expect(outcome.pendingCause == .unverifiable)
        }
        let refund = try makeChannel(bank: FakeBank { _ in .answer(BankAnswer(code: "000000", body: resultBody(amount: 2000, type: "PAY"))) })
        let result = try await refund.query(QueryRequest(transactionId: "ref_1", kind: .refund, expectedAmount: Demo.money(2000)))
        #expect(result.outcome?.pendingCause == .unverifiable, "a PAY answer to a refund query")
    }

    @Test("timeouts, lost connections and 5xx are pending; nothing sent is declined not_sent")
    func transportFailures() async throws {
        let cases: [(BankAction, ChannelOutcome.Status, PendingCause?)] = [
            (.fail(TransportError(.timedOut, "slow")), .pending, .timeout),
            (.fail(TransportError(.connectionLost, "reset")), .pending, .connectionLost),
            (.raw(HTTPResponseMessage(status: 502)), .pending, .serverError),
            (.raw(HTTPResponseMessage(status: 404)), .pending, .unverifiable),
            (.fail(TransportError(.notSent, "refused")), .declined, nil),
        ]
        for (action, status, cause) in cases {
            let channel = try makeChannel(bank: FakeBank { _ in action })
            let outcome = try await channel.pay(Self.pay())
            #expect(outcome.status == status)
            #expect(outcome.pendingCause == cause)
            let query = try await channel.query(QueryRequest(transactionId: "pay_1", kind: .payment, expectedAmount: Demo.money(1)))
            #expect(query.outcome?.status == .pending, "a query never declines because of itself")
        }
    }

    // MARK: - Configuration and self-check

    @Test("bad configuration names the key, never a key's content")
    func configuration() throws {
        let good = Demo.configuration()
        var cases: [(ChannelConfiguration, String)] = []
        var noMerchant = good
        noMerchant.settings = [:]
        cases.append((noMerchant, "mer_id"))
        var badMerchant = good
        badMerchant.settings = ["mer_id": "HX 31"]
        cases.append((badMerchant, "mer_id"))
        var badPrivate = good
        badPrivate.credentials["private_key"] = Credential(current: Secret("-----BEGIN PRIVATE KEY-----\nsecretstuff\n-----END PRIVATE KEY-----"))
        cases.append((badPrivate, "private_key"))
        var publicAsPrivate = good
        publicAsPrivate.credentials["private_key"] = Credential(current: Secret(Demo.merchant.publicKeyPEM))
        cases.append((publicAsPrivate, "private_key"))
        var badBank = good
        badBank.credentials["bank_public_key"] = Credential(current: Secret("secretstuff"))
        cases.append((badBank, "bank_public_key"))
        var noBank = good
        noBank.credentials["bank_public_key"] = nil
        cases.append((noBank, "bank_public_key"))
        var usd = good
        usd.currencies.append(CurrencyBound(Currency(code: "USD")!, maximumMinorUnits: 100))
        cases.append((usd, "currencies"))
        for (configuration, key) in cases {
            let bank = FakeBank { _ in .fail(TransportError(.notSent, "unused")) }
            let error = #expect(throws: PaymentChannelError.self) { try makeChannel(bank: bank, configuration: configuration) }
            #expect(error?.code == .invalidConfiguration)
            #expect(error?.message.contains(key) == true, "\(error?.message ?? "")")
            #expect(error?.message.contains("secretstuff") == false)
            #expect(error?.message.contains("BEGIN") == false)
        }
    }

    @Test("the manifest: haixi 1.0.0, CNY, 360 s, fixed-width statements in Asia/Shanghai, mer_id and the two keys")
    func manifest() {
        let manifest = HaixiPlugin().manifest
        #expect(manifest.id == "haixi")
        #expect(manifest.version == "1.0.0")
        #expect(manifest.currencies.map(\.currency.code) == ["CNY"])
        #expect(manifest.capabilities.notFoundFinalAfterSeconds == 360)
        #expect(manifest.capabilities.partialRefund && manifest.capabilities.notifications)
        #expect(manifest.statements?.format == "fixed-width")
        #expect(manifest.statements?.timeZoneIdentifier == "Asia/Shanghai")
        #expect(manifest.statements?.availableAfterDayEnd == .seconds(3600))
        #expect(manifest.requiredSettings == ["mer_id"])
        #expect(manifest.credentials.map(\.name) == ["private_key", "bank_public_key"])
    }

    @Test("self-check: a verified 300004 passes; a forged or refused answer fails saying to check mer_id and keys")
    func selfCheck() async throws {
        let passing = try makeChannel(bank: FakeBank { _ in .answer(BankAnswer(code: "300004")) })
        #expect(await passing.selfCheck().status == .passed)
        let forged = try makeChannel(bank: FakeBank { _ in .answer(BankAnswer(code: "300004", signer: Demo.stranger)) })
        let failed = await forged.selfCheck()
        #expect(failed.status == .failed)
        #expect(failed.detail.contains("check mer_id and keys"))
        var wrongKey = Demo.configuration()
        wrongKey.credentials["private_key"] = Credential(current: Secret(Demo.stranger.privateKeyPEM))
        let refused = try makeChannel(bank: FakeBank { _ in .answer(BankAnswer(code: "300004")) }, configuration: wrongKey)
        let result = await refused.selfCheck()
        #expect(result.status == .failed, "the fake bank refuses the stranger's signature with 300001")
        #expect(result.detail.contains("300001") && result.detail.contains("check mer_id and keys"))
        let busy = try makeChannel(bank: FakeBank { _ in .answer(BankAnswer(code: "999999")) })
        #expect(await busy.selfCheck().status == .failed)
    }
}
