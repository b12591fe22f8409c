import ChannelKit
import Foundation
import JiangnanProtocol

/// One configured connection to Jiangnan Rural Commercial Bank (interface document v2.3).
///
/// Talks to the bank only through the gateway's ``HTTPTransport``. Every request is signed; every answer's
/// signature, timestamp and `data` are checked, and an answer that fails any check is pending, never
/// declined.
public final class JiangnanChannel: PaymentChannel {
    let settings: JiangnanSettings
    let client: JiangnanClient
    let logger: any ChannelLogger
    let clock: any ChannelClock
    let notifyURL: URL

    /// Validates the context's configuration and creates the channel.
    /// - Throws: ``PaymentChannelError`` with ``PaymentChannelError/Code/invalidConfiguration`` naming the bad key.
    public convenience init(context: ChannelContext) throws(PaymentChannelError) {
        try self.init(context: context, makeNonce: JiangnanNonce.random)
    }

    /// Creates the channel with its own nonce source (tests reproduce the document's vectors with it).
    init(context: ChannelContext, makeNonce: @escaping @Sendable () -> String) throws(PaymentChannelError) {
        let settings = try JiangnanSettings(context.configuration)
        self.settings = settings
        self.logger = context.logger
        self.clock = context.clock
        self.notifyURL = context.notifyURL
        self.client = JiangnanClient(
            settings: settings, transport: context.transport, clock: context.clock, logger: context.logger,
            makeNonce: makeNonce)
    }

    /// `POST /api/v1/pay`.
    public func pay(_ request: PayRequest) async throws -> ChannelOutcome {
        try checkCurrency(request.amount)
        try request.amount.validate(maximumMinorUnits: settings.maximumAmount)
        try checkId(request.transactionId, "transaction id")
        let subjectLength = request.subject.count
        guard (1...128).contains(subjectLength) else {
            throw PaymentChannelError(.invalidRequest, "subject must be 1–128 characters, got \(subjectLength)")
        }
        let body = JiangnanPayBody(
            out_trade_no: request.transactionId, amount: request.amount.minorUnits, currency: request.amount.currency.code,
            subject: request.subject, notify_url: notifyURL.absoluteString)
        logger.info("pay", metadata: ["transaction": request.transactionId, "amount": "\(request.amount.minorUnits)"])
        let reply = try await client.post(target: JiangnanRules.payPath, body: body.jsonData)
        let outcome = JiangnanOutcomeMapper.outcome(
            of: reply,
            expecting: JiangnanExpectation(
                kind: .payment, transactionId: request.transactionId, amount: request.amount.minorUnits,
                paymentTransactionId: nil),
            currency: settings.currency, logger: logger)
        log(outcome, request.transactionId)
        return outcome
    }

    /// `POST /api/v1/refund`.
    public func refund(_ request: RefundRequest) async throws -> ChannelOutcome {
        try checkCurrency(request.amount)
        try request.amount.validate(maximumMinorUnits: JiangnanRules.maximumAmount)
        try checkId(request.transactionId, "refund id")
        try checkId(request.paymentTransactionId, "payment id")
        let body = JiangnanRefundBody(
            out_refund_no: request.transactionId, out_trade_no: request.paymentTransactionId,
            refund_amount: request.amount.minorUnits, reason: request.reason)
        logger.info(
            "refund",
            metadata: [
                "transaction": request.transactionId, "payment": request.paymentTransactionId,
                "amount": "\(request.amount.minorUnits)",
            ])
        let reply = try await client.post(target: JiangnanRules.refundPath, body: body.jsonData)
        let outcome = JiangnanOutcomeMapper.outcome(
            of: reply,
            expecting: JiangnanExpectation(
                kind: .refund, transactionId: request.transactionId, amount: request.amount.minorUnits,
                paymentTransactionId: request.paymentTransactionId),
            currency: settings.currency, logger: logger)
        log(outcome, request.transactionId)
        return outcome
    }

    /// `POST /api/v1/query` by `out_trade_no` (payment) or `out_refund_no` (refund).
    public func query(_ request: QueryRequest) async throws -> QueryResult {
        try checkCurrency(request.expectedAmount)
        try checkId(request.transactionId, "transaction id")
        let body =
            request.kind == .payment
            ? JiangnanQueryBody(out_trade_no: request.transactionId)
            : JiangnanQueryBody(out_refund_no: request.transactionId)
        let reply = try await client.post(target: JiangnanRules.queryPath, body: body.jsonData)
        let result = JiangnanOutcomeMapper.queryResult(
            of: reply,
            expecting: JiangnanExpectation(
                kind: request.kind, transactionId: request.transactionId,
                amount: request.expectedAmount.minorUnits, paymentTransactionId: nil),
            currency: settings.currency, logger: logger)
        logger.debug(
            "query",
            metadata: [
                "transaction": request.transactionId,
                "result": result.outcome?.status.rawValue ?? "not found",
                "code": result.outcome?.bankCode ?? result.notFoundCode ?? "",
            ])
        return result
    }

    /// `GET /api/v1/statement?date=yyyyMMdd` into `request.destination`.
    public func downloadStatement(_ request: StatementRequest) async throws -> StatementFile {
        try await JiangnanStatementDownloader(client: client, logger: logger).download(request)
    }

    /// Streams the statement's lines as records, issues and the trailer.
    public func parseStatement(_ file: StatementFile, batchSize: Int) -> AsyncThrowingStream<StatementBatch, any Error> {
        JiangnanStatementParser.stream(file, batchSize: batchSize, currency: settings.currency)
    }

    /// Verifies a notification (METHOD `POST`, TARGET as received, timestamp window) and reports its event.
    public func handleNotification(_ notification: InboundNotification) async throws -> NotificationResult {
        try JiangnanNotificationHandler(settings: settings, logger: logger).handle(notification)
    }

    /// A signed query of a random unknown id: a verified `3004` proves that the bank accepts our signature
    /// and that we can verify the bank's.
    public func selfCheck() async -> SelfCheckResult {
        var generator = SystemRandomNumberGenerator()
        let probe = "selfcheck-" + JiangnanNonce.randomHex(24, using: &generator)
        let reply: JiangnanReply
        do {
            reply = try await client.post(
                target: JiangnanRules.queryPath, body: JiangnanQueryBody(out_trade_no: probe).jsonData)
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
            if claimed == JiangnanCode.badSignature {
                result = .failed(
                    "bank rejected our signature (3001) and its answer does not verify with our secret: "
                        + "check merchant_no and secret")
            } else {
                result = .failed(
                    "the bank's answer to a signed query cannot be verified (\(reason)"
                        + (claimed.map { ", claimed code \($0)" } ?? "") + "): check the endpoint and secret")
            }
        case .verified(let answer):
            switch answer.code {
            case JiangnanCode.notFound:
                result = .passed("signed query of an unknown id answered 3004 with a valid signature")
            case JiangnanCode.badSignature:
                result = .failed("bank rejected our signature: check merchant_no and secret")
            default:
                result = .failed(
                    "signed query of an unknown id answered \(answer.code) (\(answer.describedMessage)), expected 3004")
            }
        }
        if result.status == .passed {
            logger.info("self-check passed", metadata: [:])
        } else {
            logger.error("self-check failed", metadata: ["detail": result.detail])
        }
        return result
    }

    private func checkCurrency(_ amount: Money) throws(PaymentChannelError) {
        guard amount.currency == settings.currency else {
            throw PaymentChannelError(.unsupportedCurrency, "Jiangnan takes only CNY, not \(amount.currency.code)")
        }
    }

    private func checkId(_ id: String, _ what: String) throws(PaymentChannelError) {
        guard JiangnanRules.isValidCallerId(id) else {
            throw PaymentChannelError(.invalidRequest, "\(what) must be 1–64 characters of [A-Za-z0-9_-]")
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
