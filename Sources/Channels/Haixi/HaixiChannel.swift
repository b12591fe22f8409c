import ChannelKit
import Foundation
import HaixiProtocol

/// One configured connection to Haixi City Commercial Bank (interface document v1.8).
///
/// Talks to the bank only through the gateway's ``HTTPTransport``. Every message is written byte for byte in
/// the document's order and signed with the merchant's key; every answer is verified over the bytes as
/// received with the bank's key and must echo our Head (and, for results, the amount): an answer that fails any
/// check is pending, never declined.
public final class HaixiChannel: PaymentChannel {
    let settings: HaixiSettings
    let client: HaixiClient
    let logger: any ChannelLogger
    let clock: any ChannelClock
    let notifyURL: URL

    /// Validates the context's configuration and creates the channel.
    /// - Throws: ``PaymentChannelError`` with ``PaymentChannelError/Code/invalidConfiguration`` naming the bad key.
    public init(context: ChannelContext) throws(PaymentChannelError) {
        let settings = try HaixiSettings(context.configuration)
        self.settings = settings
        self.logger = context.logger
        self.clock = context.clock
        self.notifyURL = context.notifyURL
        self.client = HaixiClient(settings: settings, transport: context.transport, clock: context.clock, logger: context.logger)
    }

    /// TxCode 1001: `Amount, Currency, Subject, NotifyUrl`; SerialNo is the payment's id.
    public func pay(_ request: PayRequest) async throws -> ChannelOutcome {
        try checkCurrency(request.amount)
        try request.amount.validate(maximumMinorUnits: settings.maximumAmount)
        try checkSerial(request.transactionId, "transaction id")
        guard !request.subject.isEmpty else { throw PaymentChannelError(.invalidRequest, "subject must not be empty") }
        try checkText(request.subject, "subject")
        let message = client.message(
            txCode: HaixiTxCode.pay, serialNo: request.transactionId,
            body: [
                (HaixiElement.amount, String(request.amount.minorUnits)),
                (HaixiElement.currency, request.amount.currency.code),
                (HaixiElement.subject, request.subject),
                (HaixiElement.notifyURL, notifyURL.absoluteString),
            ])
        logger.info("pay", metadata: ["transaction": request.transactionId, "amount": "\(request.amount.minorUnits)"])
        let reply = try await client.send(message)
        let outcome = HaixiOutcomeMapper.outcome(
            of: reply,
            expecting: HaixiExpectation(
                kind: .payment, transactionId: request.transactionId, amount: request.amount.minorUnits),
            currency: settings.currency, logger: logger)
        log(outcome, request.transactionId)
        return outcome
    }

    /// TxCode 1002: `OrigSerialNo, Amount, Reason`; SerialNo is the refund's id.
    public func refund(_ request: RefundRequest) async throws -> ChannelOutcome {
        try checkCurrency(request.amount)
        try request.amount.validate(maximumMinorUnits: HaixiStatement.maximumAmount)
        try checkSerial(request.transactionId, "refund id")
        try checkSerial(request.paymentTransactionId, "payment id")
        try checkText(request.reason, "reason")
        let message = client.message(
            txCode: HaixiTxCode.refund, serialNo: request.transactionId,
            body: [
                (HaixiElement.originalSerialNo, request.paymentTransactionId),
                (HaixiElement.amount, String(request.amount.minorUnits)),
                (HaixiElement.reason, request.reason),
            ])
        logger.info(
            "refund",
            metadata: [
                "transaction": request.transactionId, "payment": request.paymentTransactionId,
                "amount": "\(request.amount.minorUnits)",
            ])
        let reply = try await client.send(message)
        let outcome = HaixiOutcomeMapper.outcome(
            of: reply,
            expecting: HaixiExpectation(kind: .refund, transactionId: request.transactionId, amount: request.amount.minorUnits),
            currency: settings.currency, logger: logger)
        log(outcome, request.transactionId)
        return outcome
    }

    /// TxCode 1003: `QuerySerialNo` (the pay's or refund's SerialNo); the message's own SerialNo is fresh.
    public func query(_ request: QueryRequest) async throws -> QueryResult {
        try checkCurrency(request.expectedAmount)
        try checkSerial(request.transactionId, "transaction id")
        let message = client.message(
            txCode: HaixiTxCode.query, serialNo: HaixiSerial.fresh("qry"),
            body: [(HaixiElement.querySerialNo, request.transactionId)])
        let reply = try await client.send(message)
        let result = HaixiOutcomeMapper.queryResult(
            of: reply,
            expecting: HaixiExpectation(
                kind: request.kind, transactionId: request.transactionId, amount: request.expectedAmount.minorUnits),
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

    /// TxCode 1004 (`BillDate`): the answer streamed to a file, verified, its `FileContent` decoded into
    /// `request.destination`.
    public func downloadStatement(_ request: StatementRequest) async throws -> StatementFile {
        try await HaixiStatementDownloader(client: client, logger: logger).download(request)
    }

    /// Streams the fixed-width statement's lines as records, issues and the header's totals (as the trailer).
    public func parseStatement(_ file: StatementFile, batchSize: Int) -> AsyncThrowingStream<StatementBatch, any Error> {
        HaixiStatementParser.stream(file, batchSize: batchSize)
    }

    /// Verifies a 2001/2002 notification and answers it with the signed `000000` reply.
    public func handleNotification(_ notification: InboundNotification) async throws -> NotificationResult {
        try HaixiNotificationHandler(settings: settings, clock: clock, logger: logger).handle(notification)
    }

    /// A signed query of a random unknown SerialNo: a verified `300004` proves that the bank accepts our
    /// signature and that we can verify the bank's.
    public func selfCheck() async -> SelfCheckResult {
        let probe = HaixiSerial.fresh("selfchk")
        let message = client.message(
            txCode: HaixiTxCode.query, serialNo: HaixiSerial.fresh("chk"), body: [(HaixiElement.querySerialNo, probe)])
        let reply: HaixiReply
        do {
            reply = try await client.send(message)
        } catch {
            return .failed("could not build the probe query: \(error)")
        }
        let result: SelfCheckResult
        switch reply {
        case .transportFailed(let error):
            result = .failed("the bank could not be reached: \(error.description)")
        case .httpStatus(let status):
            result = .failed("the bank answered the signed probe query with HTTP \(status)")
        case .unverifiable(let reason, let claimed):
            result = .failed(
                "the bank's answer to a signed query cannot be verified with bank_public_key (\(reason)"
                    + (claimed.map { ", claimed code \($0)" } ?? "") + "): check mer_id and keys")
        case .verified(let answer):
            switch answer.code {
            case HaixiCode.notFound:
                result = .passed("signed query of an unknown SerialNo answered 300004 with a valid signature")
            case HaixiCode.signatureFailed:
                result = .failed("the bank refused our signature (300001): check mer_id and keys")
            default:
                result = .failed(
                    "signed query of an unknown SerialNo answered \(answer.code) (\(answer.describedMessage)), "
                        + "expected 300004")
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
            throw PaymentChannelError(.unsupportedCurrency, "Haixi takes only CNY, not \(amount.currency.code)")
        }
    }

    private func checkSerial(_ id: String, _ what: String) throws(PaymentChannelError) {
        guard HaixiStatement.isSerial(id) else {
            throw PaymentChannelError(.invalidRequest, "\(what) must be 1–32 characters of [A-Za-z0-9_-]")
        }
    }

    /// XML 1.0 cannot carry control characters other than tab, line feed and carriage return.
    private func checkText(_ text: String, _ what: String) throws(PaymentChannelError) {
        let allowed: Set<Unicode.Scalar> = ["\t", "\n", "\r"]
        guard !text.unicodeScalars.contains(where: { ($0.value < 0x20 && !allowed.contains($0)) || $0.value == 0xFFFE || $0.value == 0xFFFF })
        else { throw PaymentChannelError(.invalidRequest, "\(what) holds control characters an XML message cannot carry") }
    }

    private func log(_ outcome: ChannelOutcome, _ transactionId: String) {
        var metadata = ["transaction": transactionId, "status": outcome.status.rawValue]
        if let code = outcome.bankCode { metadata["code"] = code }
        if let reason = outcome.declineReason { metadata["decline_reason"] = reason.rawValue }
        if let cause = outcome.pendingCause { metadata["pending_cause"] = cause.rawValue }
        logger.info("bank outcome", metadata: metadata)
    }
}
