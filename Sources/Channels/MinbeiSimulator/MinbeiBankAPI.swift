import Foundation
import HTTPTypes
import Hummingbird
import Logging
import MinbeiProtocol
import NIOCore
import SimulatorSupport

/// The bank's one endpoint, `POST /acq/gateway.do`: every service authenticated by its `sign`, logged, answered
/// with a signed GBK form (or the gzip'd statement), and each new pay or refund given its ``Fault`` (if any).
struct MinbeiBankAPI: Sendable {
    let clock: SimulatorClock
    let book: SimBook
    let merchants: MinbeiMerchants
    let faults: FaultInjector
    let notifier: MinbeiNotifier
    let scheduler: JobScheduler
    let processingDelayMilliseconds: Int
    let slowResponseMilliseconds: Int
    let lateNotifyMilliseconds: Int
    let timeoutDelayMilliseconds: Int
    let logger: Logger

    /// The content type of every form answer.
    static let formType = "application/x-www-form-urlencoded; charset=GBK"

    /// Adds the bank's route.
    func register(on router: Router<SimRequestContext>) {
        router.post(RouterPath(MinbeiService.path)) { request, context in
            try await serve(request, context)
        }
    }

    /// One verified request.
    struct Exchange: Sendable {
        var merchantId: String
        var form: MinbeiForm
        var now: Int64

        subscript(_ name: String) -> String { form[name] ?? "" }
    }

    private func serve(_ request: Request, _ context: SimRequestContext) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: 1 << 20)
        let now = clock.nowMilliseconds
        let form = MinbeiForm.decode(body.readableBytesView)
        let service = form?[MinbeiField.service] ?? ""
        let merchantId = form?[MinbeiField.merchantId] ?? ""
        let signer = merchants.signer(for: merchantId)
        let id = form.flatMap { $0[MinbeiField.orderNo] ?? $0[MinbeiField.refundNo] }
        // A refund names both numbers: the refund's is the transaction.
        let transactionId = form?[MinbeiField.refundNo] ?? id

        if service == MinbeiService.query, faults.isQueryUnavailable {
            await log(request, service: service, merchant: merchantId, code: "", id: transactionId, valid: false, fault: "query-unavailable", now: now)
            return SimHTTP.unavailable()
        }
        let reply: MinbeiReply
        var signatureValid = false
        if let form, let signer {
            signatureValid = signer.verify(form)
            if signatureValid {
                reply = try await dispatch(service, Exchange(merchantId: merchantId, form: form, now: now))
            } else {
                reply = .code(MinbeiCode.signatureError)
            }
        } else {
            // Unreadable, or a merchant the bank does not know: nothing to sign the answer with.
            reply = .code(MinbeiCode.signatureError, form == nil ? "the request is not a GBK form" : "unknown mer_id")
        }
        let code = reply.fault == .serverErrorBefore ? "" : reply.code
        await log(
            request, service: service, merchant: merchantId, code: code, id: transactionId, valid: signatureValid,
            fault: reply.fault?.rawValue, now: now)
        return await respond(reply, signer: signer, channel: context.channel)
    }

    private func dispatch(_ service: String, _ exchange: Exchange) async throws -> MinbeiReply {
        switch service {
        case MinbeiService.pay: return await pay(exchange)
        case MinbeiService.refund: return await refund(exchange)
        case MinbeiService.query: return await query(exchange)
        case MinbeiService.bill: return try await bill(exchange)
        default: return .code(MinbeiCode.systemMalfunction, "unknown service '\(service)'")
        }
    }

    // MARK: Services

    private func pay(_ exchange: Exchange) async -> MinbeiReply {
        let orderNo = exchange[MinbeiField.orderNo]
        let subject = exchange[MinbeiField.subject]
        guard MinbeiRules.isValidId(orderNo), let amount = MinbeiAmount.minorUnits(exchange[MinbeiField.amount]), amount > 0,
            !exchange[MinbeiField.notifyURL].isEmpty
        else { return .code(MinbeiCode.systemMalfunction, "order_no, amount or notify_url is missing or malformed") }
        guard exchange[MinbeiField.currency] == MinbeiService.cny else {
            return .code(MinbeiCode.doNotHonour, "currency \(exchange[MinbeiField.currency]) is not accepted")
        }
        if await book.payment(merchant: exchange.merchantId, id: orderNo) != nil {
            return Self.withAnswerFault(.code(MinbeiCode.duplicateOrder), faults.fault(forPaySubject: subject))
        }
        let fault = faults.fault(forPaySubject: subject)
        if fault == .serverErrorBefore { return .code(MinbeiCode.systemMalfunction, fault: fault) }
        if fault == .notSupported { return .code(MinbeiCode.exceedsAmountLimit, fault: fault) }
        let scenario: PayScenario =
            switch fault {
            case .busy: .busy
            case .processing: .processing
            default: PayScenario(subject: subject)
            }
        let status: SimBook.NewStatus
        switch scenario {
        case .busy: return .code(MinbeiCode.issuerUnavailable, fault: fault == .busy ? fault : nil)
        case .systemError: return .code(MinbeiCode.systemMalfunction)
        case .insufficientFunds: status = .failed(code: MinbeiCode.insufficientFunds)
        case .frozen: status = .failed(code: MinbeiCode.doNotHonour)
        case .processing: status = .processing
        case .success, .slow: status = .succeeded
        }
        let result = await book.pay(
            merchant: exchange.merchantId, id: orderNo, amount: amount, currency: MinbeiService.cny, subject: subject,
            notifyURL: exchange[MinbeiField.notifyURL], status: status, now: exchange.now)
        guard case .created(let payment) = result else {
            // Booked by a concurrent request between the check and here.
            return Self.withAnswerFault(.code(MinbeiCode.duplicateOrder), fault)
        }
        if payment.status.isFinal {
            notifier.paymentFinished(
                payment, copies: fault == .duplicateNotification ? 2 : 1,
                delayMilliseconds: fault == .lateNotification ? lateNotifyMilliseconds : 0)
        } else {
            scheduleCompletion(of: payment)
        }
        var reply: MinbeiReply =
            switch payment.status {
            case .succeeded: .init(code: MinbeiCode.success, payload: .form(Self.payFields(payment)))
            case .processing: .init(code: MinbeiCode.inProcess, payload: .form(Self.payFields(payment)))
            case .failed: .init(code: payment.code, payload: .form([(MinbeiField.orderNo, payment.transaction_id)]))
            }
        if scenario == .slow { reply.delayMilliseconds = slowResponseMilliseconds }
        reply.fault = fault
        return reply
    }

    private func refund(_ exchange: Exchange) async -> MinbeiReply {
        let refundNo = exchange[MinbeiField.refundNo]
        let orderNo = exchange[MinbeiField.orderNo]
        let reason = exchange[MinbeiField.reason]
        guard MinbeiRules.isValidId(refundNo), MinbeiRules.isValidId(orderNo),
            let amount = MinbeiAmount.minorUnits(exchange[MinbeiField.refundAmount]), amount > 0
        else { return .code(MinbeiCode.systemMalfunction, "refund_no, order_no or refund_amount is missing or malformed") }
        let fault = faults.fault(forRefundReason: reason)
        if await book.refund(merchant: exchange.merchantId, id: refundNo) != nil {
            return Self.withAnswerFault(.code(MinbeiCode.duplicateOrder), fault)
        }
        if fault == .serverErrorBefore { return .code(MinbeiCode.systemMalfunction, fault: fault) }
        if fault == .busy { return .code(MinbeiCode.issuerUnavailable, fault: fault) }
        let reply: MinbeiReply
        switch await book.refund(
            merchant: exchange.merchantId, id: refundNo, paymentId: orderNo, amount: amount, reason: reason, now: exchange.now)
        {
        case .created(let refund):
            if let payment = await book.payment(merchant: exchange.merchantId, id: orderNo) {
                notifier.refundFinished(refund, notifyURL: payment.notify_url)
            }
            guard let text = MinbeiAmount.string(minorUnits: refund.amount) else { return .code(MinbeiCode.systemMalfunction) }
            reply = MinbeiReply(
                code: MinbeiCode.success,
                payload: .form([
                    (MinbeiField.refundNo, refund.transaction_id), (MinbeiField.bankSequence, refund.bank_transaction_id),
                    (MinbeiField.refundAmount, text),
                ]))
        case .existing, .mismatch:
            reply = .code(MinbeiCode.duplicateOrder)
        case .paymentNotRefundable:
            reply = .code(MinbeiCode.notFound, "no succeeded payment \(orderNo)")
        case .exceedsPaidAmount:
            reply = .code(MinbeiCode.doNotHonour, "refund amount exceeds what remains of the payment")
        }
        return Self.withAnswerFault(reply, fault)
    }

    private func query(_ exchange: Exchange) async -> MinbeiReply {
        if let refundNo = exchange.form[MinbeiField.refundNo] {
            guard let refund = await book.refund(merchant: exchange.merchantId, id: refundNo),
                let amount = MinbeiAmount.string(minorUnits: refund.amount)
            else { return .code(MinbeiCode.notFound) }
            return MinbeiReply(
                code: MinbeiCode.success,
                payload: .form([
                    (MinbeiField.transType, MinbeiService.refundType), (MinbeiField.refundNo, refund.transaction_id),
                    (MinbeiField.bankSequence, refund.bank_transaction_id), (MinbeiField.amount, amount),
                    (MinbeiField.transTime, Self.time(refund.finished_at)), (MinbeiField.transStatus, Self.status(refund.status)),
                ]))
        }
        let orderNo = exchange[MinbeiField.orderNo]
        guard let payment = await book.payment(merchant: exchange.merchantId, id: orderNo),
            let amount = MinbeiAmount.string(minorUnits: payment.amount)
        else { return .code(MinbeiCode.notFound) }
        return MinbeiReply(
            code: MinbeiCode.success,
            payload: .form([
                (MinbeiField.transType, MinbeiService.payType), (MinbeiField.orderNo, payment.transaction_id),
                (MinbeiField.bankSequence, payment.bank_transaction_id), (MinbeiField.amount, amount),
                (MinbeiField.transTime, Self.time(payment.finished_at)), (MinbeiField.transStatus, Self.status(payment.status)),
            ]))
    }

    private func bill(_ exchange: Exchange) async throws -> MinbeiReply {
        let billDate = exchange[MinbeiField.billDate]
        guard let startSeconds = MinbeiTime.unixSeconds(date: Array(billDate.utf8), time: Array("000000".utf8)) else {
            return .code(MinbeiCode.systemMalfunction, "bill_date is not yyyyMMdd")
        }
        let start = startSeconds * 1000
        // A day's statement is generated at 01:00 the next day (UTC+8); before that, and for days to come, B1.
        guard exchange.now >= start + 25 * 3_600_000, !faults.isStatementNotReady else {
            return .code(MinbeiCode.billNotReady)
        }
        let (payments, refunds) = await book.finished(merchant: exchange.merchantId, in: start..<(start + 86_400_000))
        guard
            let file = try MinbeiStatementWriter.gzip(
                merchantId: exchange.merchantId, billDate: billDate, payments: payments, refunds: refunds)
        else { return .code(MinbeiCode.systemMalfunction, "the statement cannot be written") }
        return MinbeiReply(code: MinbeiCode.success, payload: .statement(file))
    }

    // MARK: Answers

    private func respond(_ reply: MinbeiReply, signer: MinbeiSigner?, channel: any Channel) async -> Response {
        await SimHTTP.hold(milliseconds: reply.fault == .timeout ? timeoutDelayMilliseconds : reply.delayMilliseconds)
        switch reply.fault {
        case .serverError: return SimHTTP.plainText(.internalServerError, "internal server error")
        case .serverErrorBefore: return SimHTTP.plainText(.serviceUnavailable, "service unavailable")
        case .reset:
            await ConnectionResetter.reset(channel)
            return Response(status: .ok)
        default: break
        }
        if case .statement(let file) = reply.payload {
            return SimHTTP.bytes(file, contentType: "application/x-gzip")
        }
        var form = MinbeiForm(reply.formFields)
        if let signer, let signed = signer.signed(form) { form = signed }
        if reply.fault == .badSignature, let index = form.fields.firstIndex(where: { $0.name == MinbeiField.sign }) {
            form.fields[index].value = SimHTTP.corrupted(form.fields[index].value)
        }
        var body = form.encoded() ?? Array("resp_code=96".utf8)
        if reply.fault == .malformed {
            // Half a form and a dangling escape: never a readable form.
            body = Array(body.prefix(body.count / 2)) + Array("&%".utf8)
        }
        return SimHTTP.bytes(body, contentType: Self.formType)
    }

    /// The fault of an answer that created nothing: the answer faults apply, the others do not.
    private static func withAnswerFault(_ reply: MinbeiReply, _ fault: Fault?) -> MinbeiReply {
        var reply = reply
        switch fault {
        case .timeout, .serverError, .reset, .malformed, .badSignature: reply.fault = fault
        default: reply.fault = nil
        }
        return reply
    }

    private func log(
        _ request: Request, service: String, merchant: String, code: String, id: String?, valid: Bool, fault: String?,
        now: Int64
    ) async {
        let target = request.head.path ?? "/"
        await book.log(
            SimRecord.Request(
                at: now, operation: service, method: request.method.rawValue, target: target, merchant: merchant,
                code: code, transaction_id: id, signature_valid: valid, fault: fault))
        var metadata: Logger.Metadata = ["service": "\(service)", "code": "\(code)", "mer_id": "\(merchant)"]
        if let fault { metadata["fault"] = "\(fault)" }
        logger.info("request", metadata: metadata)
    }

    /// Moves a processing payment to `S` after the processing delay, then notifies.
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

    static func payFields(_ payment: SimBook.Payment) -> [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = [
            (MinbeiField.orderNo, payment.transaction_id), (MinbeiField.bankSequence, payment.bank_transaction_id),
            (MinbeiField.amount, MinbeiAmount.string(minorUnits: payment.amount) ?? ""),
        ]
        if let finished = payment.finished_at { fields.append((MinbeiField.transTime, time(finished))) }
        return fields
    }

    static func time(_ milliseconds: Int64?) -> String {
        milliseconds.map { MinbeiTime.compact(unixSeconds: $0 / 1000) } ?? ""
    }

    static func status(_ status: SimRecord.Status) -> String {
        switch status {
        case .succeeded: MinbeiService.succeeded
        case .failed: MinbeiService.failed
        case .processing: MinbeiService.inProcess
        }
    }
}
