import Foundation
import Hummingbird
import JiangnanProtocol
import Logging

/// The bank's merchant interface: pay, refund, query and statement, each authenticated, logged and signed.
struct BankAPI: Sendable {
    let clock: SimulatorClock
    let ledger: BankLedger
    let authenticator: RequestAuthenticator
    let signer: ResponseSigner
    let notifier: Notifier
    let queue: JobQueue
    let processingDelayMilliseconds: Int
    let slowResponseMilliseconds: Int
    let logger: Logger

    /// Adds the bank's routes.
    func register(on router: Router<SimRequestContext>) {
        router.post(RouterPath(JiangnanRules.payPath)) { request, _ in
            try await serve(request) { try await pay($0) }
        }
        router.post(RouterPath(JiangnanRules.refundPath)) { request, _ in
            try await serve(request) { try await refund($0) }
        }
        router.post(RouterPath(JiangnanRules.queryPath)) { request, _ in
            try await serve(request) { try await query($0) }
        }
        router.get(RouterPath(JiangnanRules.statementPath)) { request, _ in
            try await serve(request) { try await statement($0) }
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
        _ request: Request, _ operation: @Sendable (Exchange) async throws -> BankReply
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
        let ids = RequestValidation.loggedIds(body)
        await ledger.log(
            RequestLogEntry(
                at: now, method: method, target: target, merchant_no: request.headers[HeaderName.merchantNo] ?? "",
                code: reply.code, out_trade_no: ids.outTradeNo, out_refund_no: ids.outRefundNo))
        logger.info(
            "request",
            metadata: [
                "method": "\(method)", "target": "\(target)", "code": "\(reply.code)",
                "merchant_no": "\(request.headers[HeaderName.merchantNo] ?? "-")",
            ])
        if reply.delayMilliseconds > 0 {
            try await Task.sleep(nanoseconds: UInt64(reply.delayMilliseconds) * 1_000_000)
        }
        return signer.response(for: reply, target: target, signer: replySigner)
    }

    // MARK: Operations

    private func pay(_ exchange: Exchange) async throws -> BankReply {
        guard let body = RequestValidation.payBody(exchange.body) else { return .code(JiangnanCode.invalidParameter) }
        guard body.currency == RequestValidation.supportedCurrency else {
            return .code(JiangnanCode.currencyNotSupported)
        }
        let scenario = PayScenario(subject: body.subject)
        switch await ledger.pay(merchantNo: exchange.merchantNo, body: body, scenario: scenario, now: exchange.now) {
        case .created(let payment):
            if payment.status.isFinal {
                notifier.paymentFinished(payment)
            } else {
                scheduleCompletion(of: payment)
            }
            var reply = BankReply.payment(payment)
            if scenario == .slow { reply.delayMilliseconds = slowResponseMilliseconds }
            return reply
        case .existing(let payment):
            return .payment(payment)
        case .mismatch:
            return .code(JiangnanCode.duplicateMismatch)
        case .refused(let code):
            return .code(code)
        }
    }

    private func refund(_ exchange: Exchange) async throws -> BankReply {
        guard let body = RequestValidation.refundBody(exchange.body) else {
            return .code(JiangnanCode.invalidParameter)
        }
        switch await ledger.refund(merchantNo: exchange.merchantNo, body: body, now: exchange.now) {
        case .created(let refund):
            if let payment = await ledger.payment(merchantNo: exchange.merchantNo, outTradeNo: refund.outTradeNo) {
                notifier.refundFinished(refund, notifyURL: payment.notifyURL)
            }
            return .refund(refund)
        case .existing(let refund):
            return .refund(refund)
        case .mismatch:
            return .code(JiangnanCode.duplicateMismatch)
        case .paymentNotRefundable:
            return .code(JiangnanCode.notFound)
        case .exceedsPaidAmount:
            return .code(JiangnanCode.refundExceedsPaid)
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
        guard exchange.now >= startMilliseconds + 25 * 3_600_000 else { return .code(JiangnanCode.statementNotReady) }
        let (payments, refunds) = await ledger.transactions(merchantNo: exchange.merchantNo)
        let csv = StatementBuilder.csv(day: day, dayStart: start, payments: payments, refunds: refunds)
        return BankReply(code: JiangnanCode.ok, payload: .statement(csv))
    }

    /// Moves a `PROCESSING` payment to `SUCCESS` after the processing delay, then notifies.
    private func scheduleCompletion(of payment: PaymentRecord) {
        let (ledger, clock, notifier) = (self.ledger, self.clock, self.notifier)
        let delay = UInt64(max(0, processingDelayMilliseconds)) * 1_000_000
        queue.submit {
            do { try await Task.sleep(nanoseconds: delay) } catch { return }
            if let done = await ledger.completeProcessingPayment(
                merchantNo: payment.merchantNo, outTradeNo: payment.outTradeNo, now: clock.nowMilliseconds)
            {
                notifier.paymentFinished(done)
            }
        }
    }
}
