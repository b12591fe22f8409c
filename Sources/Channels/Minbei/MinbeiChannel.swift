import ChannelKit
import Foundation
import MinbeiProtocol

/// One configured connection to Minbei Rural Credit Union (interface document v3.1).
///
/// Talks to the bank only through the gateway's ``HTTPTransport``. Every request is a signed GBK form; every
/// answer's `sign` is checked and its id and amount compared with the request, and an answer that fails any
/// check is pending, never declined.
public final class MinbeiChannel: PaymentChannel {
    let settings: MinbeiSettings
    let client: MinbeiClient
    let logger: any ChannelLogger
    let notifyURL: URL

    /// Validates the context's configuration and creates the channel.
    /// - Throws: ``PaymentChannelError`` with ``PaymentChannelError/Code/invalidConfiguration`` naming the bad key.
    public init(context: ChannelContext) throws(PaymentChannelError) {
        let settings = try MinbeiSettings(context.configuration)
        self.settings = settings
        self.logger = context.logger
        self.notifyURL = context.notifyURL
        self.client = MinbeiClient(settings: settings, transport: context.transport, logger: context.logger)
    }

    /// `service=pay`; a `94` (duplicate order number) is answered by querying the original.
    public func pay(_ request: PayRequest) async throws -> ChannelOutcome {
        try checkCurrency(request.amount)
        try request.amount.validate(maximumMinorUnits: settings.maximumAmount)
        try checkId(request.transactionId, "transaction id")
        let subjectLength = request.subject.count
        guard (1...128).contains(subjectLength) else {
            throw PaymentChannelError(.invalidRequest, "subject must be 1–128 characters, got \(subjectLength)")
        }
        guard GBK.encode(request.subject) != nil else {
            throw PaymentChannelError(.invalidRequest, "subject holds a character that GBK cannot encode")
        }
        let amount = try yuan(request.amount)
        logger.info("pay", metadata: ["transaction": request.transactionId, "amount": "\(request.amount.minorUnits)"])
        let reply = try await client.post(
            service: MinbeiService.pay,
            [
                (MinbeiField.orderNo, request.transactionId), (MinbeiField.amount, amount),
                (MinbeiField.currency, MinbeiService.cny), (MinbeiField.subject, request.subject),
                (MinbeiField.notifyURL, notifyURL.absoluteString),
            ])
        let expectation = MinbeiExpectation(
            kind: .payment, transactionId: request.transactionId, amount: request.amount.minorUnits)
        let outcome =
            MinbeiOutcomeMapper.isDuplicate(reply)
            ? try await original(expectation)
            : MinbeiOutcomeMapper.outcome(of: reply, expecting: expectation, currency: settings.currency, logger: logger)
        log(outcome, request.transactionId)
        return outcome
    }

    /// `service=refund`; a `94` is answered by querying the refund.
    public func refund(_ request: RefundRequest) async throws -> ChannelOutcome {
        try checkCurrency(request.amount)
        try request.amount.validate(maximumMinorUnits: settings.maximumAmount)
        try checkId(request.transactionId, "refund id")
        try checkId(request.paymentTransactionId, "payment id")
        guard GBK.encode(request.reason) != nil else {
            throw PaymentChannelError(.invalidRequest, "reason holds a character that GBK cannot encode")
        }
        let amount = try yuan(request.amount)
        logger.info(
            "refund",
            metadata: [
                "transaction": request.transactionId, "payment": request.paymentTransactionId,
                "amount": "\(request.amount.minorUnits)",
            ])
        let reply = try await client.post(
            service: MinbeiService.refund,
            [
                (MinbeiField.refundNo, request.transactionId), (MinbeiField.orderNo, request.paymentTransactionId),
                (MinbeiField.refundAmount, amount), (MinbeiField.reason, request.reason),
            ])
        let expectation = MinbeiExpectation(
            kind: .refund, transactionId: request.transactionId, amount: request.amount.minorUnits)
        let outcome =
            MinbeiOutcomeMapper.isDuplicate(reply)
            ? try await original(expectation)
            : MinbeiOutcomeMapper.outcome(of: reply, expecting: expectation, currency: settings.currency, logger: logger)
        log(outcome, request.transactionId)
        return outcome
    }

    /// `service=query` by `order_no` (payment) or `refund_no` (refund).
    public func query(_ request: QueryRequest) async throws -> QueryResult {
        try checkCurrency(request.expectedAmount)
        try checkId(request.transactionId, "transaction id")
        let result = try await query(
            MinbeiExpectation(
                kind: request.kind, transactionId: request.transactionId, amount: request.expectedAmount.minorUnits))
        logger.debug(
            "query",
            metadata: [
                "transaction": request.transactionId,
                "result": result.outcome?.status.rawValue ?? "not found",
                "code": result.outcome?.bankCode ?? result.notFoundCode ?? "",
            ])
        return result
    }

    /// `service=bill` into `request.destination` (the gzip file as the bank sent it).
    public func downloadStatement(_ request: StatementRequest) async throws -> StatementFile {
        try await MinbeiStatementDownloader(client: client, logger: logger).download(request)
    }

    /// Streams the statement's lines as records and issues, decompressing while it parses; the header line's
    /// totals come as the trailer.
    public func parseStatement(_ file: StatementFile, batchSize: Int) -> AsyncThrowingStream<StatementBatch, any Error> {
        MinbeiStatementParser.stream(file, batchSize: batchSize, settings: settings)
    }

    /// Verifies a notification's `sign` and reports its event; the bank expects the plain text `success`.
    public func handleNotification(_ notification: InboundNotification) async throws -> NotificationResult {
        try MinbeiNotificationHandler(settings: settings, logger: logger).handle(notification)
    }

    /// A signed query of a random unknown order number: a verified `25` proves that the bank accepts our
    /// signature and that we can verify the bank's.
    public func selfCheck() async -> SelfCheckResult {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyz")
        let probe = "selfcheck-" + String((0..<20).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
        let reply: MinbeiReply
        do {
            reply = try await client.post(service: MinbeiService.query, [(MinbeiField.orderNo, probe)])
        } catch {
            return .failed("could not build the probe request: \(error)")
        }
        let result: SelfCheckResult
        switch reply {
        case .transportFailed(let error):
            result = .failed("the bank could not be reached: \(error.description)")
        case .httpStatus(let status):
            result = .failed("the bank answered the signed probe query with HTTP \(status)")
        case .unverifiable(let reason, let claimed):
            result =
                claimed == MinbeiCode.signatureError
                ? .failed("bank rejected our signature (A0) and its answer does not verify with our key: check mer_id and key")
                : .failed(
                    "the bank's answer to a signed query cannot be verified (\(reason)"
                        + (claimed.map { ", claimed resp_code \($0)" } ?? "") + "): check the endpoint and key")
        case .verified(let answer):
            switch answer.code {
            case MinbeiCode.notFound:
                result = .passed("signed query of an unknown order answered 25 with a valid sign")
            case MinbeiCode.signatureError:
                result = .failed("bank rejected our signature (A0): check mer_id and key")
            default:
                result = .failed(
                    "signed query of an unknown order answered \(answer.code) (\(answer.describedMessage)), expected 25")
            }
        }
        if result.status == .passed {
            logger.info("self-check passed", metadata: [:])
        } else {
            logger.error("self-check failed", metadata: ["detail": result.detail])
        }
        return result
    }

    // MARK: - Helpers

    private func query(_ expectation: MinbeiExpectation) async throws(PaymentChannelError) -> QueryResult {
        let idField = expectation.kind == .payment ? MinbeiField.orderNo : MinbeiField.refundNo
        let reply = try await client.post(service: MinbeiService.query, [(idField, expectation.transactionId)])
        return MinbeiOutcomeMapper.queryResult(
            of: reply, expecting: expectation, currency: settings.currency, logger: logger)
    }

    /// The original transaction behind a `94`: its state as a query finds it. A duplicate the bank then does
    /// not know is a contradiction, so pending.
    private func original(_ expectation: MinbeiExpectation) async throws(PaymentChannelError) -> ChannelOutcome {
        logger.info("bank answered 94 (duplicate number); querying the original", metadata: ["transaction": expectation.transactionId])
        let result = try await query(expectation)
        guard let outcome = result.outcome else {
            return .pending(
                .unverifiable, bankCode: MinbeiCode.duplicateOrder,
                message: "the bank answered 94 (duplicate) but its query does not know the transaction")
        }
        // A query that could not be sent leaves the (already sent) request pending, never "not sent".
        if outcome.status == .declined, outcome.declineReason == .notSent {
            return .pending(.unreachable, bankCode: MinbeiCode.duplicateOrder, message: "duplicate; the query was not sent")
        }
        return outcome
    }

    private func yuan(_ amount: Money) throws(PaymentChannelError) -> String {
        guard amount.minorUnits > 0, let text = MinbeiAmount.string(minorUnits: amount.minorUnits) else {
            throw PaymentChannelError(.invalidRequest, "amount \(amount.minorUnits) fen is outside what Minbei takes")
        }
        return text
    }

    private func checkCurrency(_ amount: Money) throws(PaymentChannelError) {
        guard amount.currency == settings.currency else {
            throw PaymentChannelError(.unsupportedCurrency, "Minbei takes only CNY (156), not \(amount.currency.code)")
        }
    }

    private func checkId(_ id: String, _ what: String) throws(PaymentChannelError) {
        guard MinbeiRules.isValidId(id) else {
            throw PaymentChannelError(.invalidRequest, "\(what) must be 1–\(MinbeiRules.maximumIdLength) characters of [A-Za-z0-9_-]")
        }
    }

    private func log(_ outcome: ChannelOutcome, _ transactionId: String) {
        var metadata = ["transaction": transactionId, "status": outcome.status.rawValue]
        if let code = outcome.bankCode { metadata["code"] = code }
        if let reason = outcome.declineReason { metadata["decline_reason"] = reason.rawValue }
        if let cause = outcome.pendingCause { metadata["pending_cause"] = cause.rawValue }
        logger.info("bank outcome", metadata: metadata)
    }
}
