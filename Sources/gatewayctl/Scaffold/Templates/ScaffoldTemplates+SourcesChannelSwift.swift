extension ScaffoldTemplates {
    /// `Sources/{{Module}}/{{Module}}Channel.swift` of a generated package.
    static let sourcesChannelSwift = ScaffoldFile(
        "Sources/{{Module}}/{{Module}}Channel.swift",
        #"""
import {{Module}}Protocol
import ChannelKit
import Foundation

/// One channel of the bank: pay, refund, query, notifications, statements and a credentials self-check.
///
/// Payment truths kept here (do not change them when you adapt the channel):
/// - `request.transactionId` goes to the bank unchanged, so a retry is deduplicated by the bank;
/// - amounts travel as integer minor units;
/// - only checks before sending throw; every bank answer, or lack of one, is an outcome;
/// - secrets are only passed to the signer: log ids, codes and reasons, never a key or a signature.
struct {{Module}}Channel: PaymentChannel {
    let context: ChannelContext
    let settings: {{Module}}Settings
    let client: {{Module}}Client

    init(context: ChannelContext) throws(PaymentChannelError) {
        self.context = context
        settings = try {{Module}}Settings(context.configuration)
        client = {{Module}}Client(context: context, settings: settings)
    }

    func pay(_ request: PayRequest) async throws -> ChannelOutcome {
        try request.amount.validate(within: context.configuration.currencies)
        // PARTNER: the fields of your bank's pay request.
        let fields = [
            {{Module}}Field.merchantNo: settings.merchantNo,
            {{Module}}Field.transactionId: request.transactionId,
            {{Module}}Field.amount: String(request.amount.minorUnits),
            {{Module}}Field.currency: request.amount.currency.code,
            {{Module}}Field.subject: request.subject,
            {{Module}}Field.notifyURL: context.notifyURL.absoluteString,
        ]
        let outcome: ChannelOutcome
        switch await client.call({{Module}}API.payPath, fields) {
        case .success(let answer):
            outcome = {{Module}}Outcomes.transaction(answer, transactionId: request.transactionId, amount: request.amount)
        case .failure(let failure):
            outcome = failure.outcome
        }
        log("payment", request.transactionId, outcome)
        return outcome
    }

    func refund(_ request: RefundRequest) async throws -> ChannelOutcome {
        try request.amount.validate(within: context.configuration.currencies)
        // PARTNER: the fields of your bank's refund request.
        let fields = [
            {{Module}}Field.merchantNo: settings.merchantNo,
            {{Module}}Field.transactionId: request.transactionId,
            {{Module}}Field.originalTransactionId: request.paymentTransactionId,
            {{Module}}Field.amount: String(request.amount.minorUnits),
            {{Module}}Field.currency: request.amount.currency.code,
        ]
        let outcome: ChannelOutcome
        switch await client.call({{Module}}API.refundPath, fields) {
        case .success(let answer):
            outcome = {{Module}}Outcomes.transaction(answer, transactionId: request.transactionId, amount: request.amount)
        case .failure(let failure):
            outcome = failure.outcome
        }
        log("refund", request.transactionId, outcome)
        return outcome
    }

    func query(_ request: QueryRequest) async throws -> QueryResult {
        // PARTNER: the fields of your bank's query request.
        let fields = [
            {{Module}}Field.merchantNo: settings.merchantNo,
            {{Module}}Field.transactionId: request.transactionId,
            {{Module}}Field.kind: request.kind == .refund ? {{Module}}Value.refund : {{Module}}Value.pay,
        ]
        switch await client.call({{Module}}API.queryPath, fields) {
        case .success(let answer): return {{Module}}Outcomes.query(answer, request)
        case .failure(let failure): return failure.queryResult
        }
    }

    func handleNotification(_ notification: InboundNotification) async throws -> NotificationResult {
        try {{Module}}Notifications(settings: settings, logger: context.logger).handle(notification)
    }

    func downloadStatement(_ request: StatementRequest) async throws -> StatementFile {
        try await {{Module}}Statements(context: context, settings: settings).download(request)
    }

    func parseStatement(_ file: StatementFile, batchSize: Int) -> AsyncThrowingStream<StatementBatch, any Error> {
        {{Module}}StatementParser.parse(file, batchSize: batchSize)
    }

    /// Proves the key: a signed query of an id that cannot exist must come back as a verified "not found".
    /// PARTNER: use whatever your bank offers to check credentials without moving money.
    func selfCheck() async -> SelfCheckResult {
        let fields = [
            {{Module}}Field.merchantNo: settings.merchantNo,
            {{Module}}Field.transactionId: "selfcheck-\(UUID().uuidString.prefix(8).lowercased())",
            {{Module}}Field.kind: {{Module}}Value.pay,
        ]
        switch await client.call({{Module}}API.queryPath, fields) {
        case .success(let answer) where answer[{{Module}}Field.code] == {{Module}}Code.notFound:
            return .passed("a signed query was answered, signed with our key")
        case .success(let answer) where answer[{{Module}}Field.code] == {{Module}}Code.badSignature:
            return .failed("the bank refused our signature: check the secret and merchant_no")
        case .success(let answer):
            return .failed("unexpected answer code '\(answer[{{Module}}Field.code] ?? "")' to the self-check query")
        case .failure(.unverifiable(let reason)):
            return .failed("the bank's answer did not verify with our key (\(reason)): check the secret")
        case .failure(let failure):
            return .notChecked("the bank could not be asked: \(failure.outcome.bankMessage ?? "no answer")")
        }
    }

    private func log(_ what: String, _ transactionId: String, _ outcome: ChannelOutcome) {
        var metadata = ["transaction_id": transactionId, "status": outcome.status.rawValue]
        metadata["bank_code"] = outcome.bankCode
        metadata["reason"] = outcome.pendingCause?.rawValue ?? outcome.declineReason?.rawValue
        context.logger.info("\(what) answered", metadata: metadata)
    }
}
"""#)
}
