import ChannelKit
import Foundation

/// The fixture bank's channel. Every answer must carry a valid signature and name the transaction (and amount)
/// asked about; anything else is pending.
struct FixtureBankChannel: PaymentChannel {
    let context: ChannelContext
    let merchant: String
    let secret: Secret
    let bug: FixtureBug

    var logger: any ChannelLogger { context.logger }

    /// The id the bank sees.
    func wireId(_ id: String) -> String { bug == .rewritesId ? "GW" + id : id }

    /// The gateway's id for an id the bank sent.
    func gatewayId(_ id: String) -> String { bug == .rewritesId && id.hasPrefix("GW") ? String(id.dropFirst(2)) : id }

    func pay(_ request: PayRequest) async throws -> ChannelOutcome {
        try request.amount.validate(within: context.configuration.currencies)
        let body: [String: Any] = [
            "merchant": merchant, "id": wireId(request.transactionId), "amount": request.amount.minorUnits,
            "currency": request.amount.currency.code, "subject": request.subject,
            "notify_url": context.notifyURL.absoluteString,
        ]
        logger.info("pay", metadata: ["id": request.transactionId, "amount": "\(request.amount.minorUnits)"])
        switch await call("pay", body) {
        case .failure(let error): return error.outcome
        case .success(let answer):
            return outcome(of: answer, id: request.transactionId, amount: request.amount)
        }
    }

    func refund(_ request: RefundRequest) async throws -> ChannelOutcome {
        let body: [String: Any] = [
            "merchant": merchant, "id": wireId(request.transactionId), "payment_id": wireId(request.paymentTransactionId),
            "amount": request.amount.minorUnits, "currency": request.amount.currency.code,
        ]
        logger.info("refund", metadata: ["id": request.transactionId, "payment": request.paymentTransactionId])
        switch await call("refund", body) {
        case .failure(let error): return error.outcome
        case .success(let answer):
            let result = outcome(of: answer, id: request.transactionId, amount: request.amount)
            guard bug == .wrongRefundTotals, result.status == .succeeded else { return result }
            return .succeeded(
                bankTransactionId: result.bankTransactionId, amount: request.paymentAmount, finishedAt: result.finishedAt,
                bankCode: result.bankCode)
        }
    }

    func query(_ request: QueryRequest) async throws -> QueryResult {
        let body: [String: Any] = ["merchant": merchant, "id": wireId(request.transactionId), "kind": request.kind.rawValue]
        switch await call("query", body) {
        case .failure(let error):
            let outcome = error.outcome
            return .found(outcome.status == .declined ? .pending(.unreachable, message: outcome.bankMessage) : outcome)
        case .success(let answer):
            if answer.code == "25" { return .notFound(bankCode: "25") }
            return .found(outcome(of: answer, id: request.transactionId, amount: request.expectedAmount))
        }
    }

    func downloadStatement(_ request: StatementRequest) async throws -> StatementFile {
        let body = try JSONSerialization.data(
            withJSONObject: ["merchant": merchant, "date": request.businessDate.compact], options: [.sortedKeys])
        let message = signedRequest("statement", body)
        let response: HTTPResponseMessage
        do {
            response = try await context.transport.download(message, to: request.destination)
        } catch let error as TransportError {
            throw PaymentChannelError(.statementUnavailable, "statement download failed: \(error)")
        }
        guard response.status == 200 else {
            try? FileManager.default.removeItem(at: request.destination)
            if response.status == 404 { throw PaymentChannelError(.statementNotReady, "no statement for \(request.businessDate) yet") }
            throw PaymentChannelError(.statementUnavailable, "statement answered HTTP \(response.status)")
        }
        let data = (try? Data(contentsOf: request.destination)) ?? Data()
        guard FixtureSignature.verify(data, signature: response.headers.value(for: FixtureSignature.header), secret: secret.reveal()) else {
            try? FileManager.default.removeItem(at: request.destination)
            throw PaymentChannelError(.statementUnavailable, "the statement's signature does not verify")
        }
        return StatementFile(
            businessDate: request.businessDate, location: request.destination, byteCount: Int64(data.count),
            contentType: response.headers.value(for: "Content-Type"))
    }

    func parseStatement(_ file: StatementFile, batchSize: Int) -> AsyncThrowingStream<StatementBatch, any Error> {
        let parser = FixtureStatementParser(
            businessDate: file.businessDate, skipsNotes: bug == .dropsStatementLine, gatewayId: { gatewayId($0) })
        return AsyncThrowingStream { continuation in
            do {
                for batch in try parser.parse(Data(contentsOf: file.location), batchSize: max(1, batchSize)) {
                    continuation.yield(batch)
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
    }

    func handleNotification(_ notification: InboundNotification) async throws -> NotificationResult {
        let signature = notification.headers.value(for: FixtureSignature.header)
        if bug != .unverifiedNotification {
            guard FixtureSignature.verify(notification.body, signature: signature, secret: secret.reveal()) else {
                throw PaymentChannelError(.notificationRejected, "the notification's signature does not verify")
            }
        }
        guard let answer = FixtureAnswer(notification.body), let id = answer.id, let amount = answer.amount,
            let status = answer.status
        else {
            throw PaymentChannelError(.notificationRejected, "the notification is not a fixture bank message")
        }
        let money = Money(minorUnits: amount, currency: Currency(code: "CNY")!)
        let outcome: ChannelOutcome =
            switch status {
            case "S": .succeeded(bankTransactionId: answer.bankId, amount: money, finishedAt: nil, bankCode: "00")
            case "F": .declined(bankCode: "F", message: "the bank declined it")
            default: .pending(.processing, bankCode: status)
            }
        let reply = HTTPResponseMessage(status: 200, headers: [HTTPHeaderField("Content-Type", "text/plain")], body: Data("OK".utf8))
        return NotificationResult(
            events: [ChannelEvent(transactionId: gatewayId(id), kind: answer.kind == "refund" ? .refund : .payment, outcome: outcome)],
            reply: reply)
    }

    // MARK: - Calls

    func signedRequest(_ operation: String, _ body: Data) -> HTTPRequestMessage {
        let key = secret.reveal()
        if bug == .logsSecret { logger.debug("signing \(operation) with secret \(key)") }
        return HTTPRequestMessage(
            method: "POST", url: context.configuration.endpoint.appendingPathComponent(operation),
            headers: [
                HTTPHeaderField("Content-Type", "application/json"),
                HTTPHeaderField(FixtureSignature.header, FixtureSignature.sign(body, secret: key)),
            ],
            body: body, timeout: context.configuration.timeouts.request)
    }

    /// Sends a signed request; the verified answer, or the outcome when none came.
    func call(_ operation: String, _ fields: [String: Any]) async -> Result<FixtureAnswer, OutcomeError> {
        let body = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])) ?? Data()
        let response: HTTPResponseMessage
        do {
            response = try await context.transport.execute(signedRequest(operation, body))
        } catch let error as TransportError {
            if bug == .timeoutDeclined && error.kind == .timedOut {
                return .failure(OutcomeError(.declined(bankCode: nil, message: "the bank did not answer")))
            }
            return .failure(OutcomeError(ChannelOutcome(transportFailure: error)))
        } catch {
            return .failure(OutcomeError(.pending(.connectionLost, message: "transport failed")))
        }
        if (500...599).contains(response.status) {
            return .failure(OutcomeError(.pending(.serverError, message: "HTTP \(response.status)")))
        }
        guard response.status == 200 else {
            return .failure(OutcomeError(.pending(.unverifiable, message: "HTTP \(response.status)")))
        }
        guard FixtureSignature.verify(response.body, signature: response.headers.value(for: FixtureSignature.header), secret: secret.reveal())
        else {
            logger.warning("\(operation) answer with a bad signature")
            return .failure(OutcomeError(.pending(.unverifiable, message: "the answer's signature does not verify")))
        }
        guard let answer = FixtureAnswer(response.body) else {
            return .failure(OutcomeError(.pending(.unverifiable, message: "the answer is not a fixture bank message")))
        }
        return .success(answer)
    }

    /// The outcome of a verified answer about `id` for `amount`.
    func outcome(of answer: FixtureAnswer, id: String, amount: Money) -> ChannelOutcome {
        switch answer.code {
        case "00":
            guard answer.id.map(gatewayId) == id else { return .pending(.unverifiable, bankCode: "00", message: "the answer names another transaction") }
            switch answer.status {
            case "S":
                guard answer.amount == amount.minorUnits else {
                    return .pending(.unverifiable, bankCode: "00", message: "the answer names another amount")
                }
                return .succeeded(bankTransactionId: answer.bankId, amount: amount, finishedAt: nil, bankCode: "00")
            case "F": return .declined(bankCode: answer.failCode ?? "F", message: "declined by the bank", bankTransactionId: answer.bankId)
            case "P": return .pending(.processing, bankCode: "00", message: "the bank is processing it", bankTransactionId: answer.bankId)
            default: return .pending(.unverifiable, bankCode: "00", message: "unknown status")
            }
        case "51": return .declined(bankCode: "51", message: "insufficient funds")
        case "13": return .declined(bankCode: "13", message: "the refund exceeds what remains of the payment")
        case "25": return .declined(bankCode: "25", message: "no such payment")
        case "09": return .pending(.processing, bankCode: "09", message: "processing")
        case "91":
            if bug == .busyDeclined { return .declined(bankCode: "91", message: "bank busy") }
            return .pending(.busy, bankCode: "91", message: "bank busy")
        case "61": return .declined(.refusedTryElsewhere, bankCode: "61", message: "currency not supported")
        default: return .pending(.unverifiable, bankCode: answer.code, message: "a code the bank's documentation does not list")
        }
    }
}

/// An outcome carried as a failure.
struct OutcomeError: Error {
    let outcome: ChannelOutcome
    init(_ outcome: ChannelOutcome) { self.outcome = outcome }
}

/// A fixture bank answer or notification: a flat JSON object.
struct FixtureAnswer: Sendable {
    var code: String
    var status: String?
    var id: String?
    var amount: Int64?
    var bankId: String?
    var failCode: String?
    var kind: String?

    init?(_ data: Data) {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        code = object["code"] as? String ?? "00"
        status = object["status"] as? String
        id = object["id"] as? String
        amount = (object["amount"] as? NSNumber)?.int64Value
        bankId = object["bank_id"] as? String
        failCode = object["fail_code"] as? String
        kind = object["kind"] as? String
    }
}
