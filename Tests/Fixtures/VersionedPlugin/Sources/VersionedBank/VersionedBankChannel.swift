import ChannelKit
import Foundation

/// Speaks the versioned test bank's JSON protocol through the gateway's transport: `POST /pay`, `/refund`,
/// `/query` with `{"id", "amount", "currency", "payment_id"}`, answered `{"status": "succeeded"|"declined"|
/// "not_found", "bank_id"}`. Every request carries `X-Plugin-Version`.
struct VersionedBankChannel: PaymentChannel {
    let context: ChannelContext

    struct Answer: Decodable {
        var status: String
        var bank_id: String?
    }

    func pay(_ request: PayRequest) async throws -> ChannelOutcome {
        try await send("pay", ["id": request.transactionId, "amount": "\(request.amount.minorUnits)", "currency": request.amount.currency.code], amount: request.amount)
    }

    func refund(_ request: RefundRequest) async throws -> ChannelOutcome {
        try await send(
            "refund",
            ["id": request.transactionId, "payment_id": request.paymentTransactionId, "amount": "\(request.amount.minorUnits)",
             "currency": request.amount.currency.code], amount: request.amount)
    }

    func query(_ request: QueryRequest) async throws -> QueryResult {
        let outcome = try await send(
            "query", ["id": request.transactionId, "amount": "\(request.expectedAmount.minorUnits)",
                      "currency": request.expectedAmount.currency.code], amount: request.expectedAmount)
        if outcome.status == .declined, outcome.bankCode == "not_found" { return .notFound(bankCode: "not_found") }
        return .found(outcome)
    }

    private func send(_ operation: String, _ fields: [String: String], amount: Money) async throws -> ChannelOutcome {
        let body = try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
        let message = HTTPRequestMessage(
            method: "POST", url: context.configuration.endpoint.appendingPathComponent(operation),
            headers: [HTTPHeaderField("Content-Type", "application/json"), HTTPHeaderField("X-Plugin-Version", pluginVersion)],
            body: body)
        let response: HTTPResponseMessage
        do {
            response = try await context.transport.execute(message)
        } catch let error as TransportError {
            return ChannelOutcome(transportFailure: error)
        }
        guard response.status == 200, let answer = try? JSONDecoder().decode(Answer.self, from: response.body) else {
            return .pending(.serverError, message: "HTTP \(response.status) from the versioned bank")
        }
        switch answer.status {
        case "succeeded":
            return .succeeded(bankTransactionId: answer.bank_id ?? "", amount: amount, finishedAt: context.clock.now(), bankCode: "ok")
        case "not_found":
            return .declined(.refusedTryElsewhere, bankCode: "not_found", message: "unknown at the bank")
        default:
            return .declined(.declined, bankCode: answer.status, message: "declined by the versioned bank")
        }
    }
}
