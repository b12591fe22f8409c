import Foundation
import HTTPTypes
import HaixiProtocol
import Hummingbird
import Logging
import NIOCore
import SimulatorSupport

/// The bank's one endpoint, `POST /gateway`: every message verified with the merchant's registered public key
/// over its bytes as received, its TxTime checked against the bank's clock (±5 minutes), logged, answered with
/// a message signed by the bank's key that echoes the Head, and each new pay or refund given its ``Fault`` (if
/// any).
struct HaixiBankAPI: Sendable {
    let clock: SimulatorClock
    let book: SimBook
    let merchants: HaixiMerchants
    let bankKey: HaixiSigner
    let faults: FaultInjector
    let notifier: HaixiNotifier
    let scheduler: JobScheduler
    let processingDelayMilliseconds: Int
    let slowResponseMilliseconds: Int
    let lateNotifyMilliseconds: Int
    let timeoutDelayMilliseconds: Int
    let logger: Logger

    /// The content type of every answer.
    static let contentType = "text/xml; charset=UTF-8"
    /// The document's TxTime window: a message more than 5 minutes off the bank's clock is refused (300002).
    static let txTimeWindowMilliseconds: Int64 = 300_000

    /// Adds the bank's route.
    func register(on router: Router<SimRequestContext>) {
        router.post(RouterPath(HaixiTxCode.path)) { request, context in
            try await serve(request, context)
        }
    }

    /// One verified message.
    struct Exchange: Sendable {
        var merchantId: String
        var serialNo: String
        var fields: [String: String]
        var now: Int64

        subscript(_ name: String) -> String { fields[name] ?? "" }
    }

    private func serve(_ request: Request, _ context: SimRequestContext) async throws -> Response {
        var request = request
        let bytes = Array(try await request.collectBody(upTo: 1 << 20).readableBytesView)
        let now = clock.nowMilliseconds
        let envelope = try? HaixiEnvelope.parse(bytes).get()
        let txCode = envelope?.head(HaixiElement.txCode, in: bytes) ?? ""
        let merchantId = envelope?.head(HaixiElement.merchantId, in: bytes) ?? ""
        let serialNo = envelope?.head(HaixiElement.serialNo, in: bytes) ?? ""
        var fields: [String: String] = [:]
        for element in envelope?.body ?? [] { fields[element.name] = envelope?.body(element.name, in: bytes) }
        let operation = Self.operation(txCode)
        let transactionId = txCode == HaixiTxCode.query ? fields[HaixiElement.querySerialNo] : (serialNo.isEmpty ? nil : serialNo)

        if txCode == HaixiTxCode.query, faults.isQueryUnavailable {
            await log(request, operation, merchantId, "", transactionId, false, "query-unavailable", now)
            return SimHTTP.unavailable()
        }
        let reply: HaixiReply
        var signatureValid = false
        if let envelope, let verifier = merchants.verifier(for: merchantId) {
            signatureValid = verifier.isValid(signature: envelope.signature, over: bytes[envelope.signedRange])
            if !signatureValid {
                reply = .code(HaixiCode.signatureFailed)
            } else if !Self.isWithinWindow(envelope.head(HaixiElement.txTime, in: bytes) ?? "", now: now) {
                reply = .code(HaixiCode.formatError, "TxTime is missing or more than 5 minutes from the bank's clock")
            } else if !HaixiStatement.isSerial(serialNo) {
                reply = .code(HaixiCode.formatError, "SerialNo must be 1–32 characters of [A-Za-z0-9_-]")
            } else {
                reply = try await dispatch(txCode, Exchange(merchantId: merchantId, serialNo: serialNo, fields: fields, now: now))
            }
        } else if envelope == nil {
            reply = .code(HaixiCode.formatError, "the request is not a Haixi message")
        } else {
            // A merchant the bank does not know: no key to verify it with.
            reply = .code(HaixiCode.signatureFailed, "unknown MerId")
        }
        let code = reply.fault == .serverErrorBefore ? "" : reply.code
        await log(request, operation, merchantId, code, transactionId, signatureValid, reply.fault?.rawValue, now)
        return await respond(reply, txCode: txCode, merchantId: merchantId, serialNo: serialNo, channel: context.channel)
    }

    private func dispatch(_ txCode: String, _ exchange: Exchange) async throws -> HaixiReply {
        switch txCode {
        case HaixiTxCode.pay: return await pay(exchange)
        case HaixiTxCode.refund: return await refund(exchange)
        case HaixiTxCode.query: return await query(exchange)
        case HaixiTxCode.statement: return await statement(exchange)
        default: return .code(HaixiCode.formatError, "unknown TxCode '\(txCode)'")
        }
    }

    // MARK: Operations

    private func pay(_ exchange: Exchange) async -> HaixiReply {
        let subject = exchange[HaixiElement.subject]
        guard let amount = Self.fen(exchange[HaixiElement.amount]), !exchange[HaixiElement.notifyURL].isEmpty else {
            return .code(HaixiCode.formatError, "Amount or NotifyUrl is missing or malformed")
        }
        guard exchange[HaixiElement.currency] == "CNY" else {
            return .code(HaixiCode.formatError, "Currency \(exchange[HaixiElement.currency]) is not accepted")
        }
        if let existing = await book.payment(merchant: exchange.merchantId, id: exchange.serialNo) {
            let reply =
                existing.amount == amount && existing.currency == "CNY"
                ? Self.payReply(existing) : .code(HaixiCode.duplicateSerialMismatch)
            return Self.withAnswerFault(reply, faults.fault(forPaySubject: subject))
        }
        let fault = faults.fault(forPaySubject: subject)
        if fault == .serverErrorBefore { return .code(HaixiCode.busy, fault: fault) }
        if fault == .notSupported { return .code(HaixiCode.formatError, "not accepted on this channel", fault: fault) }
        let scenario: PayScenario =
            switch fault {
            case .busy: .busy
            case .processing: .processing
            default: PayScenario(subject: subject)
            }
        let status: SimBook.NewStatus
        switch scenario {
        case .busy, .systemError: return .code(HaixiCode.busy, fault: fault == .busy ? fault : nil)
        case .insufficientFunds: status = .failed(code: HaixiCode.insufficientBalance)
        case .frozen: status = .failed(code: HaixiCode.accountAbnormal)
        case .processing: status = .processing
        case .success, .slow: status = .succeeded
        }
        let result = await book.pay(
            merchant: exchange.merchantId, id: exchange.serialNo, amount: amount, currency: "CNY", subject: subject,
            notifyURL: exchange[HaixiElement.notifyURL], status: status, now: exchange.now)
        guard case .created(let payment) = result else {
            // Booked by a concurrent message between the check and here.
            return Self.withAnswerFault(.code(HaixiCode.duplicateSerialMismatch), fault)
        }
        if payment.status.isFinal {
            notifier.paymentFinished(
                payment, copies: fault == .duplicateNotification ? 2 : 1,
                delayMilliseconds: fault == .lateNotification ? lateNotifyMilliseconds : 0)
        } else {
            scheduleCompletion(of: payment)
        }
        var reply = Self.payReply(payment)
        if scenario == .slow { reply.delayMilliseconds = slowResponseMilliseconds }
        reply.fault = fault
        return reply
    }

    private func refund(_ exchange: Exchange) async -> HaixiReply {
        let paymentId = exchange[HaixiElement.originalSerialNo]
        let reason = exchange[HaixiElement.reason]
        guard HaixiStatement.isSerial(paymentId), let amount = Self.fen(exchange[HaixiElement.amount]) else {
            return .code(HaixiCode.formatError, "OrigSerialNo or Amount is missing or malformed")
        }
        let fault = faults.fault(forRefundReason: reason)
        if let existing = await book.refund(merchant: exchange.merchantId, id: exchange.serialNo) {
            let reply =
                existing.payment_transaction_id == paymentId && existing.amount == amount
                ? Self.refundReply(existing) : .code(HaixiCode.duplicateSerialMismatch)
            return Self.withAnswerFault(reply, fault)
        }
        if fault == .serverErrorBefore { return .code(HaixiCode.busy, fault: fault) }
        if fault == .busy { return .code(HaixiCode.busy, fault: fault) }
        let reply: HaixiReply
        switch await book.refund(
            merchant: exchange.merchantId, id: exchange.serialNo, paymentId: paymentId, amount: amount, reason: reason,
            now: exchange.now)
        {
        case .created(let refund):
            if let payment = await book.payment(merchant: exchange.merchantId, id: paymentId) {
                notifier.refundFinished(refund, notifyURL: payment.notify_url)
            }
            reply = Self.refundReply(refund)
        case .existing(let refund):
            reply = Self.refundReply(refund)
        case .mismatch:
            reply = .code(HaixiCode.duplicateSerialMismatch)
        case .paymentNotRefundable:
            reply = .code(HaixiCode.notFound, "no succeeded payment \(paymentId)")
        case .exceedsPaidAmount:
            reply = .code(HaixiCode.refundOverOriginal)
        }
        return Self.withAnswerFault(reply, fault)
    }

    private func query(_ exchange: Exchange) async -> HaixiReply {
        let id = exchange[HaixiElement.querySerialNo]
        guard HaixiStatement.isSerial(id) else { return .code(HaixiCode.formatError, "QuerySerialNo is malformed") }
        if let payment = await book.payment(merchant: exchange.merchantId, id: id) {
            return HaixiReply(
                code: HaixiCode.accepted,
                body: Self.resultBody(
                    type: "PAY", bankSerialNo: payment.bank_transaction_id, status: payment.status, amount: payment.amount,
                    finishedAt: payment.finished_at))
        }
        if let refund = await book.refund(merchant: exchange.merchantId, id: id) {
            return HaixiReply(
                code: HaixiCode.accepted,
                body: Self.resultBody(
                    type: "REFUND", bankSerialNo: refund.bank_transaction_id, status: refund.status, amount: refund.amount,
                    finishedAt: refund.finished_at))
        }
        return .code(HaixiCode.notFound)
    }

    private func statement(_ exchange: Exchange) async -> HaixiReply {
        let billDate = exchange[HaixiElement.billDate]
        guard billDate.utf8.count == 8, let startSeconds = HaixiTime.parse(billDate + "000000") else {
            return .code(HaixiCode.formatError, "BillDate is not yyyyMMdd")
        }
        let start = Int64(startSeconds.timeIntervalSince1970) * 1000
        // A day's statement is generated at 01:00 the next day (UTC+8); before that, and for days to come, 300005.
        guard exchange.now >= start + 25 * 3_600_000, !faults.isStatementNotReady else {
            return .code(HaixiCode.billNotReady)
        }
        let (payments, refunds) = await book.finished(merchant: exchange.merchantId, in: start..<(start + 86_400_000))
        guard
            let file = HaixiStatementWriter.write(
                merchantId: exchange.merchantId, billDate: billDate, payments: payments, refunds: refunds)
        else { return .code(HaixiCode.busy, "the statement cannot be written") }
        return HaixiReply(
            code: HaixiCode.accepted,
            body: [
                (HaixiElement.fileName, "\(exchange.merchantId)_\(billDate).txt"),
                (HaixiElement.fileSize, String(file.count)),
                (HaixiElement.fileContent, Data(file).base64EncodedString()),
            ])
    }

    // MARK: Answers

    private func respond(
        _ reply: HaixiReply, txCode: String, merchantId: String, serialNo: String, channel: any Channel
    ) async -> Response {
        await SimHTTP.hold(milliseconds: reply.fault == .timeout ? timeoutDelayMilliseconds : reply.delayMilliseconds)
        switch reply.fault {
        case .serverError: return SimHTTP.plainText(.internalServerError, "internal server error")
        case .serverErrorBefore: return SimHTTP.plainText(.serviceUnavailable, "service unavailable")
        case .reset:
            await ConnectionResetter.reset(channel)
            return Response(status: .ok)
        default: break
        }
        let message = HaixiMessage(
            head: [
                (HaixiElement.txCode, txCode), (HaixiElement.merchantId, merchantId),
                (HaixiElement.txTime, HaixiSimTime.text(clock.nowMilliseconds)), (HaixiElement.serialNo, serialNo),
                (HaixiElement.respCode, reply.code), (HaixiElement.respMessage, reply.respMessage),
            ],
            body: reply.body)
        let signed = message.signedBytes
        var signature = (try? bankKey.signature(over: signed)) ?? ""
        if reply.fault == .badSignature { signature = SimHTTP.corrupted(signature) }
        var body =
            HaixiMessage.prolog + Array("<Message>".utf8) + signed + Array("<Signature>".utf8) + Array(signature.utf8)
            + Array("</Signature></Message>".utf8)
        if reply.fault == .malformed {
            // Half a message: never a readable one.
            body = Array(body.prefix(body.count / 2))
        }
        return SimHTTP.bytes(body, contentType: Self.contentType)
    }

    /// The fault of an answer that created nothing: the answer faults apply, the others do not.
    private static func withAnswerFault(_ reply: HaixiReply, _ fault: Fault?) -> HaixiReply {
        var reply = reply
        switch fault {
        case .timeout, .serverError, .reset, .malformed, .badSignature: reply.fault = fault
        default: reply.fault = nil
        }
        return reply
    }

    private func log(
        _ request: Request, _ operation: String, _ merchant: String, _ code: String, _ id: String?, _ valid: Bool,
        _ fault: String?, _ now: Int64
    ) async {
        await book.log(
            SimRecord.Request(
                at: now, operation: operation, method: request.method.rawValue, target: request.head.path ?? "/",
                merchant: merchant, code: code, transaction_id: id, signature_valid: valid, fault: fault))
        var metadata: Logger.Metadata = ["operation": "\(operation)", "code": "\(code)", "mer_id": "\(merchant)"]
        if let fault { metadata["fault"] = "\(fault)" }
        logger.info("request", metadata: metadata)
    }

    /// Moves a processing payment to success after the processing delay, then notifies.
    private func scheduleCompletion(of payment: SimBook.Payment) {
        let (book, clock, notifier) = (self.book, self.clock, self.notifier)
        scheduler.schedule(after: .milliseconds(max(0, processingDelayMilliseconds))) {
            if let done = await book.completeProcessing(
                merchant: payment.merchant, id: payment.transaction_id, now: clock.nowMilliseconds)
            {
                notifier.paymentFinished(done)
            }
        }
    }

    // MARK: Helpers

    /// The answer to a pay message for the payment as it stands: success `000000`/`00`, processing `100001`,
    /// failed its refusal code (`200001`, `200002`).
    static func payReply(_ payment: SimBook.Payment) -> HaixiReply {
        switch payment.status {
        case .failed: return .code(payment.code)
        case .processing, .succeeded:
            var body: [(name: String, value: String)] = [
                (HaixiElement.bankSerialNo, payment.bank_transaction_id), (HaixiElement.txStatus, status(payment.status)),
                (HaixiElement.amount, String(payment.amount)),
            ]
            if let finished = payment.finished_at { body.append((HaixiElement.finishTime, HaixiSimTime.text(finished))) }
            return HaixiReply(code: payment.status == .processing ? HaixiCode.processing : HaixiCode.accepted, body: body)
        }
    }

    /// The answer to a refund message: `BankSerialNo, TxStatus, Amount`.
    static func refundReply(_ refund: SimBook.Refund) -> HaixiReply {
        HaixiReply(
            code: HaixiCode.accepted,
            body: [
                (HaixiElement.bankSerialNo, refund.bank_transaction_id), (HaixiElement.txStatus, status(refund.status)),
                (HaixiElement.amount, String(refund.amount)),
            ])
    }

    /// The query answer's and the notifications' Body: `TxType, BankSerialNo, TxStatus, Amount, FinishTime`.
    static func resultBody(
        type: String, bankSerialNo: String, status: SimRecord.Status, amount: Int64, finishedAt: Int64?
    ) -> [(name: String, value: String)] {
        [
            (HaixiElement.txType, type), (HaixiElement.bankSerialNo, bankSerialNo),
            (HaixiElement.txStatus, Self.status(status)), (HaixiElement.amount, String(amount)),
            (HaixiElement.finishTime, finishedAt.map(HaixiSimTime.text) ?? ""),
        ]
    }

    static func status(_ status: SimRecord.Status) -> String {
        switch status {
        case .succeeded: HaixiStatus.success
        case .processing: HaixiStatus.processing
        case .failed: HaixiStatus.failed
        }
    }

    static func operation(_ txCode: String) -> String {
        switch txCode {
        case HaixiTxCode.pay: "pay"
        case HaixiTxCode.refund: "refund"
        case HaixiTxCode.query: "query"
        case HaixiTxCode.statement: "statement"
        default: txCode.isEmpty ? "unreadable" : "tx \(txCode)"
        }
    }

    static func isWithinWindow(_ txTime: String, now: Int64) -> Bool {
        guard let sent = HaixiTime.parse(txTime) else { return false }
        return abs(Int64(sent.timeIntervalSince1970) * 1000 - now) <= txTimeWindowMilliseconds
    }

    /// 1–12 digits above zero.
    static func fen(_ text: String) -> Int64? {
        guard (1...12).contains(text.utf8.count), text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let value = Int64(text),
            value > 0
        else { return nil }
        return value
    }
}
