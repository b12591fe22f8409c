import ChannelKit
import Foundation

extension ConformanceSuite {
    /// A refund request of `minorUnits` of `payment`.
    func refundRequest(_ payment: PayRequest, _ outcome: ChannelOutcome, _ minorUnits: Int64) -> RefundRequest {
        RefundRequest(
            transactionId: bank.newTransactionId(), paymentTransactionId: payment.transactionId,
            paymentBankTransactionId: outcome.bankTransactionId,
            amount: Money(minorUnits: minorUnits, currency: payment.amount.currency), paymentAmount: payment.amount,
            reason: "conformance refund")
    }

    /// The parts a payment of `total` is refunded in: three when partial refunds are allowed, else one.
    func refundParts(_ total: Int64) -> [Int64] {
        guard plugin.manifest.capabilities.partialRefund, total >= 3 else { return [total] }
        let first = max(1, total * 3 / 10)
        let second = max(1, total * 2 / 10)
        return [first, second, total - first - second]
    }

    func checkRefundsAddUp() async throws {
        let rule = ConformanceRule.refundsAddUp
        let configuration = try await bank.configuration()
        let channel = try await makeChannel(configuration)
        let (payment, paid) = try await approvedPayment(rule, channel, configuration)
        var refunded: Int64 = 0
        var made: [RefundRequest] = []
        for part in refundParts(payment.amount.minorUnits) {
            let request = refundRequest(payment, paid, part)
            let attempt = try await refund(channel, request)
            guard attempt.outcome.status == .succeeded else {
                throw ConformanceFailure(
                    rule,
                    "a refund of \(request.amount) of \(payment.amount) (\(refunded) minor units refunded before) was reported \(attempt.summary)")
            }
            guard attempt.outcome.amount == request.amount else {
                throw ConformanceFailure(
                    rule,
                    "a refund of \(request.amount) succeeded with amount \(attempt.outcome.amount.map { "\($0)" } ?? "none"): refunds of \(payment.transactionId) no longer add up")
            }
            refunded += part
            made.append(request)
        }
        for request in made {
            let queried = try await queriedOutcome(rule, channel, id: request.transactionId, kind: .refund, amount: request.amount)
            guard let queried, queried.status == .succeeded, queried.amount == request.amount else {
                throw ConformanceFailure(
                    rule,
                    "refund \(request.transactionId) of \(request.amount) succeeded, but a query of it reported \(queried.map { Self.describe($0) } ?? "not found")")
            }
        }
        guard refunded == payment.amount.minorUnits else {
            throw ConformanceFailure(rule, "refunds of \(payment.transactionId) add up to \(refunded), not \(payment.amount.minorUnits)")
        }
    }

    func checkOverRefund() async throws {
        let rule = ConformanceRule.overRefundDeclined
        let configuration = try await bank.configuration()
        let channel = try await makeChannel(configuration)
        let (payment, paid) = try await approvedPayment(rule, channel, configuration)
        let total = payment.amount.minorUnits
        var remaining = total
        if plugin.manifest.capabilities.partialRefund && total >= 2 {
            let first = refundRequest(payment, paid, max(1, total * 4 / 10))
            let attempt = try await refund(channel, first)
            guard attempt.outcome.status == .succeeded else {
                throw ConformanceFailure(rule, "a refund of \(first.amount) of \(payment.amount) was reported \(attempt.summary)")
            }
            remaining -= first.amount.minorUnits
        } else {
            let full = refundRequest(payment, paid, total)
            let attempt = try await refund(channel, full)
            guard attempt.outcome.status == .succeeded else {
                throw ConformanceFailure(rule, "a refund of the whole \(payment.amount) was reported \(attempt.summary)")
            }
            remaining = 0
        }
        let over = refundRequest(payment, paid, remaining + 1)
        let attempt = try await refund(channel, over)
        guard attempt.outcome.status == .declined else {
            throw ConformanceFailure(
                rule,
                "a refund of \(over.amount) when \(remaining) minor units of \(payment.amount) remain was reported \(attempt.summary), not declined")
        }
    }
}
