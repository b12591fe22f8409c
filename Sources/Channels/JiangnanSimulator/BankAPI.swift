import SimulatorSupport
import Foundation
import Hummingbird
import JiangnanProtocol
import Logging

/// The bank's merchant interface: pay, refund, query and statement, each authenticated, logged and signed, and
/// each pay or refund given its ``Fault`` (if any) by the ``FaultInjector``.
struct BankAPI: Sendable {
    let clock: SimulatorClock
    let ledger: BankLedger
    let authenticator: RequestAuthenticator
    let responder: FaultResponder
    let faults: FaultInjector
    let notifier: Notifier
    let queue: JobScheduler
    let processingDelayMilliseconds: Int
    let slowResponseMilliseconds: Int
    /// How long a `late-notify` payment's notification waits before its first attempt.
    let lateNotifyMilliseconds: Int
    /// How long every statement answer is delayed (a bank whose file server is slow).
    var statementDelayMilliseconds: Int = 0
    let logger: Logger

    /// Adds the bank's routes.
    func register(on router: Router<SimRequestContext>) {
        router.post(RouterPath(JiangnanRules.payPath)) { request, context in
            try await serve(request, context) { try await pay($0) }
        }
        router.post(RouterPath(JiangnanRules.refundPath)) { request, context in
            try await serve(request, context) { try await refund($0) }
        }
        router.post(RouterPath(JiangnanRules.queryPath)) { request, context in
            if faults.isQueryUnavailable { return try await unavailable(request) }
            return try await serve(request, context) { try await query($0) }
        }
        router.get(RouterPath(JiangnanRules.statementPath)) { request, context in
            try await serve(request, context) { try await statement($0) }
        }
    }

    /// An authenticated request, ready to be processed.
    struct Exchange: Sendable {
        var merchantNo: String
        var target: String
        var body: Data
        /// Sim-clock milliseconds when the request arrived.
        var now: Int64
    }

    /// Authenticates, processes, logs and answers one request.
    private func serve(
        _ request: Request, _ context: SimRequestContext, _ operation: @Sendable (Exchange) async throws -> BankReply
    ) async throws -> Response {
        var request = request
        let body = Data(try await request.collectBody(upTo: 1 << 20).readableBytesView)
        let method = request.method.rawValue
        let target = request.head.path ?? "/"
        let now = clock.nowMilliseconds
        let verdict = await authenticator.authenticate(
            method: method, target: target, headers: request.headers, body: body, now: now)
        let reply: BankReply
        let replySigner: JiangnanSigner?
        switch verdict {
        case .unknownMerchant:
            reply = .code(JiangnanCode.badSignature)
            replySigner = nil
        case .refused(_, let merchantSigner, let code):
            reply = .code(code)
            replySigner = merchantSigner
        case .accepted(let merchantNo, let merchantSigner):
            reply = try await operation(Exchange(merchantNo: merchantNo, target: target, body: body, now: now))
            replySigner = merchantSigner
        }
        // A 5xx-before request never reached the bank's books: it has no result code.
        let code = reply.fault == .serverErrorBefore ? "" : reply.code
        await log(request, body: body, at: now, code: code, fault: reply.fault?.rawValue)
        return await responder.response(for: reply, target: target, signer: replySigner, channel: context.channel)
    }

    /// `query_unavailable`: HTTP 503 before authentication; nothing is read into the books.
    private func unavailable(_ request: Request) async throws -> Response {
        var request = request
        let body = Data(try await request.collectBody(upTo: 1 << 20).readableBytesView)
        await log(request, body: body, at: clock.nowMilliseconds, code: "", fault: "query-unavailable")
        return FaultResponder.unavailable()
    }

    private func log(_ request: Request, body: Data, at now: Int64, code: String, fault: String?) async {
        let method = request.method.rawValue
        let target = request.head.path ?? "/"
        let ids = RequestValidation.loggedIds(body)
        await ledger.log(
            RequestLogEntry(
                at: now, method: method, target: target, merchant_no: request.headers[HeaderName.merchantNo] ?? "",
                code: code, out_trade_no: ids.outTradeNo, out_refund_no: ids.outRefundNo, fault: fault))
        var metadata: Logger.Metadata = [
            "method": "\(method)", "target": "\(target)", "code": "\(code)",
            "merchant_no": "\(request.headers[HeaderName.merchantNo] ?? "-")",
        ]
        if let fault { metadata["fault"] = "\(fault)" }
        logger.info("request", metadata: metadata)
    }

    // MARK: Operations

    private func pay(_ exchange: Exchange) async throws -> BankReply {
        guard let body = RequestValidation.payBody(exchange.body) else { return .code(JiangnanCode.invalidParameter) }
        guard body.currency == RequestValidation.supportedCurrency else {
            return .code(JiangnanCode.currencyNotSupported)
        }
        let fault = faults.fault(forPaySubject: body.subject)
        if fault == .serverErrorBefore { return .code(JiangnanCode.systemError, fault: fault) }
        if fault == .notSupported { return .code(JiangnanCode.currencyNotSupported, fault: fault) }
        let scenario: PayScenario =
            switch fault {
            case .busy: .busy
            case .processing: .processing
            default: PayScenario(subject: body.subject)
            }
        var reply: BankReply
        switch await ledger.pay(merchantNo: exchange.merchantNo, body: body, scenario: scenario, now: exchange.now) {
        case .created(let payment):
            if payment.status.isFinal {
                notifier.paymentFinished(
                    payment, copies: fault == .duplicateNotification ? 2 : 1,
                    delayMilliseconds: fault == .lateNotification ? lateNotifyMilliseconds : 0)
            } else {
                scheduleCompletion(of: payment)
            }
            reply = BankReply.payment(payment)
            if scenario == .slow { reply.delayMilliseconds = slowResponseMilliseconds }
            reply.fault = fault
            return reply
        case .existing(let payment):
            reply = .payment(payment)
        case .mismatch:
            reply = .code(JiangnanCode.duplicateMismatch)
        case .refused(let code):
            reply = .code(code)
        }
        // Faults of the answer also hit answers about known transactions; busy and processing only new ones, and
        // the notification faults only new final ones.
        reply.fault = Self.answerFault(fault, refused: reply.code == JiangnanCode.busy)
        return reply
    }

    private func refund(_ exchange: Exchange) async throws -> BankReply {
        guard let body = RequestValidation.refundBody(exchange.body) else {
            return .code(JiangnanCode.invalidParameter)
        }
        let fault = faults.fault(forRefundReason: body.reason)
        if fault == .serverErrorBefore { return .code(JiangnanCode.systemError, fault: fault) }
        var reply: BankReply
        let outcome = await ledger.refund(
            merchantNo: exchange.merchantNo, body: body, refuseNew: fault == .busy, now: exchange.now)
        switch outcome {
        case .created(let refund):
            if let payment = await ledger.payment(merchantNo: exchange.merchantNo, outTradeNo: refund.outTradeNo) {
                notifier.refundFinished(refund, notifyURL: payment.notifyURL)
            }
            reply = .refund(refund)
        case .existing(let refund):
            reply = .refund(refund)
        case .mismatch:
            reply = .code(JiangnanCode.duplicateMismatch)
        case .paymentNotRefundable:
            reply = .code(JiangnanCode.notFound)
        case .exceedsPaidAmount:
            reply = .code(JiangnanCode.refundExceedsPaid)
        case .refused(let code):
            reply = .code(code)
        }
        reply.fault = Self.answerFault(fault, refused: reply.code == JiangnanCode.busy)
        return reply
    }

    /// The fault to record and apply to an answer that did not create a transaction: the answer faults always,
    /// `busy` only when it refused the request.
    private static func answerFault(_ fault: Fault?, refused: Bool) -> Fault? {
        switch fault {
        case .timeout, .serverError, .serverErrorBefore, .reset, .malformed, .badSignature: fault
        case .busy: refused ? fault : nil
        case .processing, .duplicateNotification, .lateNotification, .notSupported, nil: nil
        }
    }

    private func query(_ exchange: Exchange) async throws -> BankReply {
        guard let body = RequestValidation.queryBody(exchange.body) else { return .code(JiangnanCode.invalidParameter) }
        if let outTradeNo = body.out_trade_no {
            guard let payment = await ledger.payment(merchantNo: exchange.merchantNo, outTradeNo: outTradeNo) else {
                return .code(JiangnanCode.notFound)
            }
            return .payment(payment, processingCode: JiangnanCode.ok)
        }
        guard let outRefundNo = body.out_refund_no,
            let refund = await ledger.refund(merchantNo: exchange.merchantNo, outRefundNo: outRefundNo)
        else { return .code(JiangnanCode.notFound) }
        return .refund(refund)
    }

    private func statement(_ exchange: Exchange) async throws -> BankReply {
        guard let (day, start) = RequestValidation.statementDate(target: exchange.target) else {
            return .code(JiangnanCode.invalidParameter)
        }
        let startMilliseconds = Int64((start.timeIntervalSince1970 * 1000).rounded())
        // A day that has not begun is in the future; a day's file is available from 01:00 the next day.
        guard startMilliseconds <= exchange.now else { return .code(JiangnanCode.invalidParameter) }
        guard exchange.now >= startMilliseconds + 25 * 3_600_000, !faults.isStatementNotReady else {
            return .code(JiangnanCode.statementNotReady)
        }
        let (payments, refunds) = await ledger.transactions(merchantNo: exchange.merchantNo)
        let csv = StatementBuilder.csv(day: day, dayStart: start, payments: payments, refunds: refunds)
        var reply = BankReply(code: JiangnanCode.ok, payload: .statement(csv))
        reply.delayMilliseconds = statementDelayMilliseconds
        return reply
    }

    /// Moves a `PROCESSING` payment to `SUCCESS` after the processing delay, then notifies.
    private func scheduleCompletion(of payment: PaymentRecord) {
        let (ledger, clock, notifier) = (self.ledger, self.clock, self.notifier)
        queue.schedule(after: .milliseconds(max(0, processingDelayMilliseconds))) {
            if let done = await ledger.completeProcessingPayment(
                merchantNo: payment.merchantNo, outTradeNo: payment.outTradeNo, now: clock.nowMilliseconds)
            {
                notifier.paymentFinished(done)
            }
        }
    }
}
