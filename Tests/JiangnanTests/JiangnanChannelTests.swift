import ChannelKit
import Foundation
import JiangnanProtocol
import Testing

@testable import Jiangnan

@Suite struct JiangnanChannelTests {
    static let payId = "pay_01J0000000000000000000000"
    static let payRequest = PayRequest(transactionId: payId, amount: Demo.money(12345), subject: "order 42")

    // MARK: - Test vectors through the channel

    @Test func payReproducesVector1AndAcceptsVector2() async throws {
        let vector2 = Data(
            #"{"code":"0000","msg":"ok","data":{"out_trade_no":"pay_01J0000000000000000000000","trade_no":"JN000000000000000001","status":"SUCCESS","amount":12345,"finished_at":"2026-11-25T16:00:01+08:00"}}"#
                .utf8)
        let bank = FakeBank { request in
            let vector1 =
                #"{"out_trade_no":"pay_01J0000000000000000000000","amount":12345,"currency":"CNY","subject":"order 42","notify_url":"http://127.0.0.1:8080/v1/notify/jiangnan"}"#
            guard request.bodyText == vector1,
                request.headers.value(for: "X-JN-Signature")
                    == "0643edc17839b1d7e6f8db53dfb432d4993f877d7837f952162168612fa433a8"
            else { return .raw(HTTPResponseMessage(status: 400)) }
            return .raw(
                HTTPResponseMessage(
                    status: 200,
                    headers: [
                        HTTPHeaderField("Content-Type", "application/json"),
                        HTTPHeaderField("X-JN-Timestamp", "1764057601000"), HTTPHeaderField("X-JN-Nonce", "r-91c2d0"),
                        HTTPHeaderField(
                            "X-JN-Signature", "f1d410ab77006354fd5d117c928a64b9df3b1817695fa24f6d9baba49f4148fe"),
                    ], body: vector2))
        }
        let channel = try makeChannel(bank: bank, nonce: { "n-7f3a9c" })
        let outcome = try await channel.pay(Self.payRequest)

        let sent = try #require(bank.requests.first)
        #expect(sent.method == "POST")
        #expect(sent.url.absoluteString == "http://127.0.0.1:9100/api/v1/pay")
        #expect(sent.headers.value(for: "X-JN-MerchantNo") == "JN8800001")
        #expect(sent.headers.value(for: "X-JN-Timestamp") == "1764057600000")
        #expect(sent.headers.value(for: "X-JN-Nonce") == "n-7f3a9c")
        #expect(sent.headers.value(for: "Content-Type") == "application/json")
        #expect(outcome.status == .succeeded)
        #expect(outcome.bankTransactionId == "JN000000000000000001")
        #expect(outcome.amount == Demo.money(12345))
        #expect(outcome.finishedAt == Date(timeIntervalSince1970: 1_795_593_601))
        #expect(outcome.bankCode == "0000")
    }

    @Test func freshNoncesAreValidAndDistinct() async throws {
        let bank = FakeBank { .envelope(code: "0000", msg: "ok", data: tradeData($0.json["out_trade_no"] as! String, amount: 12345)) }
        let channel = try makeChannel(bank: bank)
        _ = try await channel.pay(Self.payRequest)
        _ = try await channel.pay(Self.payRequest)
        let nonces = bank.requests.compactMap { $0.headers.value(for: "X-JN-Nonce") }
        #expect(nonces.count == 2)
        #expect(Set(nonces).count == 2)
        #expect(nonces.allSatisfy(JiangnanRules.isValidNonce))
        #expect(bank.requests.allSatisfy { $0.signatureValid })
    }

    // MARK: - Result codes

    /// What a pay answer must become: a decline with its typed reason, or pending with its typed cause.
    enum Expected: Sendable, Equatable, CustomStringConvertible {
        case declined(DeclineReason)
        case pending(PendingCause)

        var description: String {
            switch self {
            case .declined(let reason): "declined (\(reason.rawValue))"
            case .pending(let cause): "pending (\(cause.rawValue))"
            }
        }

        /// Whether `outcome` is this, with nothing of the other kind set.
        func matches(_ outcome: ChannelOutcome) -> Bool {
            switch self {
            case .declined(let reason):
                outcome.status == .declined && outcome.declineReason == reason && outcome.pendingCause == nil
            case .pending(let cause):
                outcome.status == .pending && outcome.pendingCause == cause && outcome.declineReason == nil
            }
        }
    }

    struct CodeCase: Sendable, CustomTestStringConvertible {
        let code: String
        let expected: Expected
        var testDescription: String { "\(code) → \(expected)" }
    }

    /// Every result code of jiangnan.md's table, as its "gateway outcome" column says, plus a code the document
    /// does not list.
    static let codeCases: [CodeCase] = [
        CodeCase(code: "1001", expected: .pending(.processing)),
        CodeCase(code: "2001", expected: .declined(.declined)),
        CodeCase(code: "2002", expected: .declined(.declined)),
        CodeCase(code: "2003", expected: .declined(.declined)),
        CodeCase(code: "2004", expected: .declined(.declined)),
        CodeCase(code: "2005", expected: .declined(.refusedTryElsewhere)),
        CodeCase(code: "3001", expected: .declined(.refusedTryElsewhere)),
        CodeCase(code: "3002", expected: .declined(.refusedRetryHere)),
        // 3004 answers queries only ("not found"): in a pay answer it proves nothing.
        CodeCase(code: "3004", expected: .pending(.unverifiable)),
        CodeCase(code: "3005", expected: .pending(.unverifiable)),
        CodeCase(code: "4001", expected: .declined(.refusedTryElsewhere)),
        CodeCase(code: "9998", expected: .pending(.busy)),
        CodeCase(code: "9999", expected: .pending(.serverError)),
        CodeCase(code: "7777", expected: .pending(.unverifiable)),
    ]

    @Test(arguments: codeCases) func payResultCodes(_ c: CodeCase) async throws {
        let bank = FakeBank { _ in .envelope(code: c.code, msg: JiangnanCode.message(for: c.code), data: nil) }
        let outcome = try await makeChannel(bank: bank).pay(Self.payRequest)
        #expect(c.expected.matches(outcome), "\(c.code): \(outcome)")
        #expect(outcome.bankCode == c.code)
        // Failover to another channel only for "not sent" and "safe to try elsewhere" (2005, 3001, 4001).
        #expect(outcome.mayTryAnotherChannel == ["2005", "3001", "4001"].contains(c.code))
        // 3002 is retried exactly once with a fresh timestamp and nonce.
        #expect(bank.requests.count == (c.code == "3002" ? 2 : 1))
    }

    /// Every way an answer fails to come, or comes unusable, and the typed outcome it must be.
    static let faultCases: [(String, @Sendable (BankRequest) -> BankAction, Expected)] = [
        ("connection refused (nothing sent)", { _ in .fail(TransportError(.notSent, "connection refused")) }, .declined(.notSent)),
        ("timeout", { _ in .fail(TransportError(.timedOut, "read timeout")) }, .pending(.timeout)),
        ("connection lost after sending", { _ in .fail(TransportError(.connectionLost, "reset")) }, .pending(.connectionLost)),
        ("malformed HTTP", { _ in .fail(TransportError(.invalidResponse, "bad chunk")) }, .pending(.unverifiable)),
        ("HTTP 502", { _ in .raw(HTTPResponseMessage(status: 502, body: Data("bad gateway".utf8))) }, .pending(.serverError)),
        ("HTTP 404", { _ in .raw(HTTPResponseMessage(status: 404)) }, .pending(.unverifiable)),
        ("unsigned answer", { _ in .raw(HTTPResponseMessage(status: 200, body: FakeBank.envelopeBody(code: "2001", msg: "", data: nil))) }, .pending(.unverifiable)),
        (
            "signed with another secret",
            { request in
                .raw(FakeBank.signedEnvelope(code: "2001", msg: "", data: nil, target: request.target, timestamp: Demo.vectorTime, secret: "x"))
            }, .pending(.unverifiable)
        ),
        ("answer about another transaction", { _ in .envelope(code: "0000", msg: "ok", data: tradeData("pay_other", amount: 12345)) }, .pending(.unverifiable)),
        ("answer with another amount", { _ in .envelope(code: "0000", msg: "ok", data: tradeData(Self.payId, amount: 1)) }, .pending(.unverifiable)),
        ("0000 without data", { _ in .envelope(code: "0000", msg: "ok", data: nil) }, .pending(.unverifiable)),
        ("status PROCESSING", { _ in .envelope(code: "0000", msg: "ok", data: tradeData(Self.payId, amount: 12345, status: "PROCESSING")) }, .pending(.processing)),
        ("unknown status", { _ in .envelope(code: "0000", msg: "ok", data: tradeData(Self.payId, amount: 12345, status: "CLOSED")) }, .pending(.unverifiable)),
        ("status FAILED", { _ in .envelope(code: "0000", msg: "ok", data: tradeData(Self.payId, amount: 12345, status: "FAILED", failCode: "2001")) }, .declined(.declined)),
    ]

    @Test func everyPendingPathCarriesItsTypedCause() async throws {
        for (name, reply, expected) in Self.faultCases {
            let outcome = try await makeChannel(bank: FakeBank(reply)).pay(Self.payRequest)
            #expect(expected.matches(outcome), "\(name): \(outcome)")
            #expect(outcome.mayTryAnotherChannel == (expected == .declined(.notSent)), "\(name)")
        }
    }

    @Test func code3002IsRetriedOnceWithAFreshNonce() async throws {
        let bank = FakeBank { request in
            request.sequence == 1
                ? .envelope(code: "3002", msg: "nonce reused", data: nil)
                : .envelope(code: "0000", msg: "ok", data: tradeData(Self.payId, amount: 12345))
        }
        let outcome = try await makeChannel(bank: bank).pay(Self.payRequest)
        #expect(outcome.status == .succeeded)
        let requests = bank.requests
        #expect(requests.count == 2)
        #expect(requests[0].headers.value(for: "X-JN-Nonce") != requests[1].headers.value(for: "X-JN-Nonce"))
        #expect(requests[0].body == requests[1].body)
    }

    @Test func dataStatusesMap() async throws {
        for (status, expected) in [("SUCCESS", ChannelOutcome.Status.succeeded), ("PROCESSING", .pending), ("FAILED", .declined)] {
            let bank = FakeBank { _ in
                .envelope(
                    code: "0000", msg: "ok",
                    data: tradeData(
                        Self.payId, amount: 12345, status: status, failCode: status == "FAILED" ? "2001" : "",
                        failMsg: status == "FAILED" ? "insufficient funds" : ""))
            }
            let outcome = try await makeChannel(bank: bank).pay(Self.payRequest)
            #expect(outcome.status == expected, "\(status)")
            if status == "FAILED" {
                #expect(outcome.bankCode == "2001")
                #expect(outcome.bankMessage == "insufficient funds")
                #expect(!outcome.notProcessed)
            }
        }
    }

    @Test func code3001WithAnUnverifiableSignatureIsPendingAndAnAlarm() async throws {
        let logger = RecordingLogger()
        let bank = FakeBank { request in
            .raw(
                FakeBank.signedEnvelope(
                    code: "3001", msg: "bad signature", data: nil, target: request.target,
                    timestamp: Demo.vectorTime, secret: "the-bank-has-another-secret"))
        }
        let outcome = try await makeChannel(bank: bank, logger: logger).pay(Self.payRequest)
        #expect(outcome.status == .pending)
        #expect(!outcome.notProcessed)
        #expect(logger.all.contains { $0.level == .error && $0.message.contains("configuration alarm") })
        #expect(!logger.all.contains { $0.text.contains(Demo.secret) })
    }

    // MARK: - Unverifiable answers

    @Test func forgedOrMissingResponseSignatureIsPending() async throws {
        let body = FakeBank.envelopeBody(code: "0000", msg: "ok", data: tradeData(Self.payId, amount: 12345))
        let forged = FakeBank.signed(body: body, target: "/api/v1/pay", timestamp: Demo.vectorTime, secret: "forger")
        var unsigned = forged
        unsigned.headers.removeAll { $0.name.hasPrefix("X-JN-") }
        var tampered = FakeBank.signed(body: body, target: "/api/v1/pay", timestamp: Demo.vectorTime)
        tampered.body = FakeBank.envelopeBody(code: "0000", msg: "ok", data: tradeData(Self.payId, amount: 12345, tradeNo: "JN999"))
        let wrongTarget = FakeBank.signed(body: body, target: "/api/v1/query", timestamp: Demo.vectorTime)
        let stale = FakeBank.signed(body: body, target: "/api/v1/pay", timestamp: Demo.vectorTime - 300_001)
        let future = FakeBank.signed(body: body, target: "/api/v1/pay", timestamp: Demo.vectorTime + 300_001)
        var http500 = FakeBank.signed(body: body, target: "/api/v1/pay", timestamp: Demo.vectorTime)
        http500.status = 500
        let garbage = FakeBank.signed(body: Data("<html>".utf8), target: "/api/v1/pay", timestamp: Demo.vectorTime)

        for (name, response) in [
            ("forged", forged), ("unsigned", unsigned), ("tampered", tampered), ("wrong target", wrongTarget),
            ("stale", stale), ("future", future), ("HTTP 500", http500), ("unparsable", garbage),
        ] {
            let bank = FakeBank { _ in .raw(response) }
            let outcome = try await makeChannel(bank: bank).pay(Self.payRequest)
            #expect(outcome.status == .pending, "\(name)")
            #expect(!outcome.notProcessed, "\(name)")
        }
    }

    @Test func answerNotNamingTheTransactionIsPending() async throws {
        for data in [
            tradeData(Self.payId, amount: 12346), tradeData("pay_other", amount: 12345),
            JiangnanJSON.Value.object([("out_trade_no", .string(Self.payId))]),
        ] {
            let bank = FakeBank { _ in .envelope(code: "0000", msg: "ok", data: data) }
            let outcome = try await makeChannel(bank: bank).pay(Self.payRequest)
            #expect(outcome.status == .pending)
            #expect(outcome.bankMessage?.hasPrefix("unverifiable response") == true)
        }
    }

    // MARK: - Transport

    @Test func queryFailuresArePendingWithTheirCause() async throws {
        let query = QueryRequest(transactionId: Self.payId, kind: .payment, expectedAmount: Demo.money(12345))
        let cases: [(BankAction, PendingCause)] = [
            (.fail(TransportError(.notSent, "refused")), .unreachable),
            (.fail(TransportError(.timedOut, "slow")), .timeout),
            (.envelope(code: "9998", msg: "busy", data: nil), .busy),
            (.envelope(code: "9999", msg: "error", data: nil), .serverError),
            (.envelope(code: "1001", msg: "processing", data: nil), .processing),
            (.envelope(code: "3001", msg: "bad signature", data: nil), .unverifiable),
        ]
        for (reply, cause) in cases {
            let result = try await makeChannel(bank: FakeBank { _ in reply }).query(query)
            #expect(result.outcome?.status == .pending, "\(reply)")
            #expect(result.outcome?.pendingCause == cause, "\(reply)")
        }
    }

    @Test func endpointWithABasePath() async throws {
        let bank = FakeBank(basePath: "/gw") { _ in .envelope(code: "0000", msg: "ok", data: tradeData(Self.payId, amount: 12345)) }
        let channel = try makeChannel(bank: bank, endpoint: "http://127.0.0.1:9100/gw/")
        let outcome = try await channel.pay(Self.payRequest)
        #expect(outcome.status == .succeeded)
        #expect(bank.requests.first?.url.absoluteString == "http://127.0.0.1:9100/gw/api/v1/pay")
        #expect(bank.requests.first?.signatureValid == true)
    }

    // MARK: - Refund and query

    @Test func refund() async throws {
        let bank = FakeBank { request in
            let json = request.json
            guard request.target == "/api/v1/refund", json["out_refund_no"] as? String == "ref_1",
                json["out_trade_no"] as? String == Self.payId, json["refund_amount"] as? Int == 2000,
                json["reason"] as? String == "damaged"
            else { return .envelope(code: "4001", msg: "invalid parameter", data: nil) }
            return .envelope(code: "0000", msg: "ok", data: refundData("ref_1", payment: Self.payId, amount: 2000))
        }
        let request = RefundRequest(
            transactionId: "ref_1", paymentTransactionId: Self.payId, amount: Demo.money(2000),
            paymentAmount: Demo.money(12345), reason: "damaged")
        let outcome = try await makeChannel(bank: bank).refund(request)
        #expect(outcome.status == .succeeded)
        #expect(outcome.bankTransactionId == "JN000000000000000002")
        #expect(outcome.amount == Demo.money(2000))

        let exceeds = FakeBank { _ in .envelope(code: "2003", msg: "refund exceeds paid amount", data: nil) }
        #expect(try await makeChannel(bank: exceeds).refund(request).status == .declined)
        let otherPayment = FakeBank { _ in
            .envelope(code: "0000", msg: "ok", data: refundData("ref_1", payment: "pay_other", amount: 2000))
        }
        #expect(try await makeChannel(bank: otherPayment).refund(request).status == .pending)
    }

    @Test func queryPaymentAndRefund() async throws {
        let bank = FakeBank { request in
            let json = request.json
            if let id = json["out_trade_no"] as? String { return .envelope(code: "0000", msg: "ok", data: tradeData(id, amount: 12345)) }
            if let id = json["out_refund_no"] as? String {
                return .envelope(code: "0000", msg: "ok", data: refundData(id, payment: Self.payId, amount: 500, status: "PROCESSING"))
            }
            return .envelope(code: "4001", msg: "missing field", data: nil)
        }
        let channel = try makeChannel(bank: bank)
        let payment = try await channel.query(
            QueryRequest(transactionId: Self.payId, kind: .payment, expectedAmount: Demo.money(12345)))
        #expect(payment.outcome?.status == .succeeded)
        let refund = try await channel.query(QueryRequest(transactionId: "ref_2", kind: .refund, expectedAmount: Demo.money(500)))
        #expect(refund.outcome?.status == .pending)
        #expect(bank.requests.map(\.bodyText) == [#"{"out_trade_no":"pay_01J0000000000000000000000"}"#, #"{"out_refund_no":"ref_2"}"#])
        let wrongAmount = try await channel.query(
            QueryRequest(transactionId: Self.payId, kind: .payment, expectedAmount: Demo.money(1)))
        #expect(wrongAmount.outcome?.status == .pending)
    }

    @Test func queryCodes() async throws {
        let query = QueryRequest(transactionId: Self.payId, kind: .payment, expectedAmount: Demo.money(12345))
        let notFound = try await makeChannel(bank: FakeBank { _ in .envelope(code: "3004", msg: "no such transaction", data: nil) })
            .query(query)
        #expect(notFound.isNotFound)
        #expect(notFound.notFoundCode == "3004")
        // A refused query says nothing about the transaction: pending, never declined.
        for code in ["1001", "3001", "4001", "2005", "9998", "9999", "7777"] {
            let result = try await makeChannel(bank: FakeBank { _ in .envelope(code: code, msg: "x", data: nil) }).query(query)
            #expect(result.outcome?.status == .pending, "\(code)")
        }
        // An unverifiable "not found" is not a not-found.
        let forged = FakeBank { request in
            .raw(FakeBank.signedEnvelope(code: "3004", msg: "", data: nil, target: request.target, timestamp: Demo.vectorTime, secret: "x"))
        }
        #expect(try await makeChannel(bank: forged).query(query).outcome?.status == .pending)
        let notSent = try await makeChannel(bank: FakeBank { _ in .fail(TransportError(.notSent, "refused")) }).query(query)
        #expect(notSent.outcome?.status == .pending)
    }

    // MARK: - Requests refused before sending

    @Test func invalidRequestsThrowWithoutSending() async throws {
        let bank = FakeBank { _ in .envelope(code: "0000", msg: "ok", data: nil) }
        let channel = try makeChannel(bank: bank)
        let usd = Money(minorUnits: 100, currency: Currency(code: "USD")!)
        await #expect(throws: PaymentChannelError.self) { try await channel.pay(PayRequest(transactionId: "p1", amount: usd, subject: "x")) }
        await #expect(throws: PaymentChannelError.self) { try await channel.pay(PayRequest(transactionId: "p1", amount: Demo.money(0), subject: "x")) }
        await #expect(throws: PaymentChannelError.self) {
            try await channel.pay(PayRequest(transactionId: "p1", amount: Demo.money(5_000_001), subject: "x"))
        }
        await #expect(throws: PaymentChannelError.self) { try await channel.pay(PayRequest(transactionId: "p 1", amount: Demo.money(1), subject: "x")) }
        await #expect(throws: PaymentChannelError.self) { try await channel.pay(PayRequest(transactionId: "p1", amount: Demo.money(1), subject: "")) }
        #expect(bank.requests.isEmpty)
    }

    // MARK: - Configuration, plugin, self-check

    @Test func configurationIsValidated() async throws {
        let plugin = JiangnanPlugin()
        let bank = FakeBank { _ in .envelope(code: "0000", msg: "ok", data: nil) }
        func context(_ configuration: ChannelConfiguration) -> ChannelContext {
            ChannelContext(
                configuration: configuration, transport: bank, logger: RecordingLogger(), clock: bank.clock,
                notifyURL: Demo.notifyURL)
        }
        let bad: [(ChannelConfiguration, String)] = [
            (Demo.configuration(settings: [:]), "merchant_no"),
            (Demo.configuration(credentials: [:]), "secret"),
            (Demo.configuration(endpoint: "ftp://127.0.0.1/"), "endpoint"),
            (Demo.configuration(currencies: [Demo.cny, Currency(code: "USD")!]), "currencies"),
        ]
        for (configuration, key) in bad {
            do {
                _ = try await plugin.makeChannel(context: context(configuration))
                Issue.record("accepted a configuration without a valid \(key)")
            } catch let error as PaymentChannelError {
                #expect(error.code == .invalidConfiguration)
                #expect(error.message.contains(key))
                #expect(!error.message.contains(Demo.secret))
            }
        }
        _ = try await plugin.makeChannel(context: context(Demo.configuration()))
    }

    @Test func manifestAndEntryPoint() throws {
        let manifest = JiangnanPlugin().manifest
        #expect(manifest.id == "jiangnan")
        #expect(manifest.version == "2.0.0")
        #expect(manifest.currencies == [CurrencyBound(Demo.cny, maximumMinorUnits: 99_999_999_999)])
        #expect(manifest.capabilities.partialRefund)
        #expect(manifest.capabilities.notifications)
        #expect(manifest.capabilities.notFoundFinalAfterSeconds == 360)
        let statements = try #require(manifest.statements)
        #expect(statements.format == "csv")
        #expect(statements.timeZoneIdentifier == "Asia/Shanghai")
        // jiangnan.md: a day's statement is available from 01:00 the next day, UTC+8.
        let day = try #require(BusinessDate("2026-11-24"))
        let available = try #require(statements.availableAt(day))
        #expect(available == Date(timeIntervalSince1970: 1_795_539_600))  // 2026-11-25T01:00:00+08:00
        #expect(manifest.requiredSettings == ["merchant_no"])
        #expect(manifest.credentials == [CredentialDeclaration("secret", rotates: true, summary: manifest.credentials.first?.summary ?? "")])

        let describe = try #require(PluginExport.entry(PluginExport.describeRequest, JiangnanPlugin.self))
        let text = String(cString: describe.assumingMemoryBound(to: CChar.self))
        free(describe)
        #expect(text == "channelkit-entry=1;api=2.0;swift=\(ChannelKitVersion.swiftCompiler)")
        let created = try #require(PluginExport.entry(PluginExport.createRequest, JiangnanPlugin.self))
        let instance = Unmanaged<AnyObject>.fromOpaque(created).takeRetainedValue() as? PluginInstance
        #expect(instance?.plugin is JiangnanPlugin)
    }

    @Test func selfCheck() async throws {
        let passing = FakeBank { request in
            request.target == "/api/v1/query" ? .envelope(code: "3004", msg: "no such transaction", data: nil)
                : .envelope(code: "9999", msg: "?", data: nil)
        }
        let passed = try await makeChannel(bank: passing).selfCheck()
        #expect(passed.status == .passed)
        #expect(passing.requests.first?.json["out_trade_no"] != nil)

        let refused = try await makeChannel(bank: FakeBank { _ in .envelope(code: "3001", msg: "bad signature", data: nil) }).selfCheck()
        #expect(refused.status == .failed)
        #expect(refused.detail == "bank rejected our signature: check merchant_no and secret")

        let logger = RecordingLogger()
        let forged = FakeBank { request in
            .raw(FakeBank.signedEnvelope(code: "3004", msg: "", data: nil, target: request.target, timestamp: Demo.vectorTime, secret: "other"))
        }
        let unverifiable = try await makeChannel(bank: forged, logger: logger).selfCheck()
        #expect(unverifiable.status == .failed)
        #expect(!unverifiable.detail.contains(Demo.secret))
        #expect(!logger.all.contains { $0.text.contains(Demo.secret) })

        let unreachable = try await makeChannel(bank: FakeBank { _ in .fail(TransportError(.notSent, "connection refused")) }).selfCheck()
        #expect(unreachable.status == .failed)
    }
}
