import ChannelKit
import Foundation

extension ConformanceSuite {
    /// An approved payment, arranged; throws a failure of `rule` when it does not succeed.
    func approvedPayment(
        _ rule: ConformanceRule, _ channel: any PaymentChannel, _ configuration: ChannelConfiguration
    ) async throws -> (PayRequest, ChannelOutcome) {
        let request = try await bank.arrange(.approve, for: try newPayment(configuration))
        let attempt = try await pay(channel, request)
        guard attempt.outcome.status == .succeeded else {
            throw ConformanceFailure(rule, "a payment the bank approves (\(request.transactionId)) was reported \(attempt.summary)")
        }
        return (request, attempt.outcome)
    }

    /// Queries `request` and returns the state the bank reports, or a failure of `rule`.
    func queriedOutcome(
        _ rule: ConformanceRule, _ channel: any PaymentChannel, id: String, kind: TransactionKind, amount: Money
    ) async throws -> ChannelOutcome? {
        switch try await query(channel, QueryRequest(transactionId: id, kind: kind, expectedAmount: amount)) {
        case .success(let result): return result.outcome
        case .failure(let error): throw ConformanceFailure(rule, "query(\(id)) threw \(error)")
        }
    }

    func checkPayThenQuery() async throws {
        let rule = ConformanceRule.payThenQueryAgree
        let configuration = try await bank.configuration()
        let channel = try await makeChannel(configuration)
        let (request, outcome) = try await approvedPayment(rule, channel, configuration)
        guard outcome.amount == request.amount else {
            throw ConformanceFailure(
                rule, "payment \(request.transactionId) of \(request.amount) succeeded with amount \(outcome.amount.map { "\($0)" } ?? "none")")
        }
        let queried = try await queriedOutcome(rule, channel, id: request.transactionId, kind: .payment, amount: request.amount)
        guard let queried, queried.status == .succeeded, queried.amount == request.amount else {
            throw ConformanceFailure(
                rule, "payment \(request.transactionId) succeeded, but a query of it reported \(queried.map { Self.describe($0) } ?? "not found")")
        }
        // A declined payment, when the bank can decline one.
        let declined: PayRequest
        do {
            declined = try await bank.arrange(.decline, for: try newPayment(configuration))
        } catch is ConformanceUnsupported {
            return
        }
        let attempt = try await pay(channel, declined)
        guard attempt.outcome.status == .declined else {
            throw ConformanceFailure(rule, "a payment the bank declines (\(declined.transactionId)) was reported \(attempt.summary)")
        }
        let queriedDecline = try await queriedOutcome(
            rule, channel, id: declined.transactionId, kind: .payment, amount: declined.amount)
        guard let queriedDecline, queriedDecline.status == .declined else {
            throw ConformanceFailure(
                rule, "payment \(declined.transactionId) was declined, but a query of it reported \(queriedDecline.map { Self.describe($0) } ?? "not found")")
        }
    }

    func checkFaultIsPending(_ rule: ConformanceRule, _ fault: TransportFault, _ what: String) async throws {
        let configuration = try await bank.configuration()
        let channel = try await makeChannel(configuration)
        let request = try await bank.arrange(.approve, for: try newPayment(configuration))
        transport.inject(fault, corrupting: request.transactionId)
        let attempt = try await pay(channel, request)
        transport.inject(nil)
        try requirePending(rule, attempt, "\(what) to pay(\(request.transactionId))")
        guard fault.forwardsRequest else { return }
        // The bank did charge: a query afterwards finds the payment.
        let queried = try await queriedOutcome(rule, channel, id: request.transactionId, kind: .payment, amount: request.amount)
        guard let queried, queried.status == .succeeded else {
            throw ConformanceFailure(
                rule, "after \(what), the bank had charged \(request.transactionId), but a query reported \(queried.map { Self.describe($0) } ?? "not found")")
        }
    }

    /// Fails `rule` unless the attempt is pending.
    func requirePending(_ rule: ConformanceRule, _ attempt: Attempt, _ what: String) throws {
        guard !attempt.exchanges.isEmpty || attempt.thrown != nil else {
            throw ConformanceFailure(rule, "\(what): the channel sent nothing through the transport it was given")
        }
        switch attempt.outcome.status {
        case .pending: return
        case .declined: throw ConformanceFailure(rule, "\(what) was reported \(attempt.summary), not pending")
        case .succeeded:
            throw ConformanceFailure(rule, "\(what) was reported \(attempt.summary), not pending: no verified answer came")
        }
    }

    func checkUnverifiable() async throws {
        let rule = ConformanceRule.unverifiableIsPending
        let configuration = try await bank.configuration()
        let channel = try await makeChannel(configuration)
        let start = transport.exchanges.count
        let (paid, _) = try await approvedPayment(rule, channel, configuration)
        let signedHeaders = transport.exchanges.dropFirst(start).contains { exchange in
            exchange.response?.headers.contains { $0.name.lowercased().contains("sign") } ?? false
        }
        var faults: [(TransportFault, String)] = [
            (.truncatedAnswer, "an answer cut in half"),
            (.corruptedAnswer, "an answer whose transaction id the kit altered"),
        ]
        if signedHeaders { faults.append((.corruptedSignatureHeader, "an answer whose signature header the kit altered")) }
        for (fault, what) in faults {
            let request = try await bank.arrange(.approve, for: try newPayment(configuration))
            transport.inject(fault, corrupting: request.transactionId)
            let attempt = try await pay(channel, request)
            transport.inject(nil)
            try requirePending(rule, attempt, "\(what) to pay(\(request.transactionId))")
        }
        // A query answer for another amount than expected.
        var other = paid.amount
        other.minorUnits += 1
        switch try await query(channel, QueryRequest(transactionId: paid.transactionId, kind: .payment, expectedAmount: other)) {
        case .failure(let error):
            throw ConformanceFailure(rule, "a query expecting another amount than the bank's threw \(error)")
        case .success(let result):
            guard let outcome = result.outcome, outcome.status == .pending else {
                throw ConformanceFailure(
                    rule,
                    "a query of \(paid.transactionId) (\(paid.amount) at the bank) expecting \(other) was reported \(result.outcome.map { Self.describe($0) } ?? "not found"), not pending")
            }
        }
        // A verified answer with another amount, when the bank can give one.
        if let request = try? await bank.arrange(.mismatchingAmount, for: try newPayment(configuration)) {
            let attempt = try await pay(channel, request)
            try requirePending(rule, attempt, "an answer with another amount than asked to pay(\(request.transactionId))")
        }
    }

    func checkBehaviourIsPending(_ rule: ConformanceRule, _ behaviour: BankBehaviour) async throws {
        let configuration = try await bank.configuration()
        let channel = try await makeChannel(configuration)
        let request = try await bank.arrange(behaviour, for: try newPayment(configuration))
        let attempt = try await pay(channel, request)
        try requirePending(rule, attempt, "a \(behaviour.rawValue) answer to pay(\(request.transactionId))")
    }

    func checkNotProcessed() async throws {
        let rule = ConformanceRule.notProcessedJustified
        let configuration = try await bank.configuration()
        let channel = try await makeChannel(configuration)
        // Nothing could be sent: declined not_sent.
        let unsent = try await bank.arrange(.approve, for: try newPayment(configuration))
        transport.inject(.resetBeforeSend)
        let attempt = try await pay(channel, unsent)
        transport.inject(nil)
        guard attempt.outcome.status == .declined, attempt.outcome.declineReason == .notSent else {
            throw ConformanceFailure(
                rule, "a payment the transport could not send at all (connection reset before sending) was reported \(attempt.summary), not declined not_sent")
        }
        // Everything else: not processed only for a declared retry-safe code.
        let retrySafe = bank.retrySafeCodes
        var cases: [(String, PayRequest, TransportFault?)] = []
        for behaviour in [BankBehaviour.approve, .decline, .busy, .processing, .notProcessed] {
            if let request = try? await bank.arrange(behaviour, for: try newPayment(configuration)) {
                cases.append(("a \(behaviour.rawValue) answer", request, nil))
            }
        }
        for (fault, what) in [
            (TransportFault.timeoutAfterSend, "a timeout after sending"), (.connectionLostAfterSend, "a connection lost after sending"),
            (.serverError, "an HTTP 500"), (.truncatedAnswer, "an answer cut in half"),
        ] {
            cases.append((what, try await bank.arrange(.approve, for: try newPayment(configuration)), fault))
        }
        for (what, request, fault) in cases {
            transport.inject(fault, corrupting: request.transactionId)
            let attempt = try await pay(channel, request)
            transport.inject(nil)
            guard attempt.outcome.notProcessed else { continue }
            let nothingSent = attempt.exchanges.allSatisfy { $0.error?.kind == .notSent }
            if nothingSent { continue }
            if let code = attempt.outcome.bankCode, retrySafe.contains(code) { continue }
            let declared = retrySafe.isEmpty ? "none" : retrySafe.sorted().joined(separator: ", ")
            throw ConformanceFailure(
                rule,
                "\(what) to pay(\(request.transactionId)) was reported \(attempt.summary): not processed, though the request was sent and the code is not one of the bank's retry-safe codes (\(declared))")
        }
    }

    func checkTransactionId() async throws {
        let rule = ConformanceRule.transactionIdUnchanged
        let configuration = try await bank.configuration()
        let channel = try await makeChannel(configuration)
        let request = try await bank.arrange(.approve, for: try newPayment(configuration))
        let first = try await pay(channel, request)
        try requireIdSent(rule, request.transactionId, first, "pay")
        guard first.outcome.status == .succeeded else {
            throw ConformanceFailure(rule, "a payment the bank approves (\(request.transactionId)) was reported \(first.summary)")
        }
        let retry = try await pay(channel, request)
        try requireIdSent(rule, request.transactionId, retry, "a retry of pay")
        guard retry.outcome.status == .succeeded, retry.outcome.amount == request.amount else {
            throw ConformanceFailure(
                rule, "a retry of the succeeded payment \(request.transactionId) was reported \(retry.summary): the bank should have recognised the id")
        }
        let queried = try await queriedOutcome(rule, channel, id: request.transactionId, kind: .payment, amount: request.amount)
        guard let queried, queried.status == .succeeded, queried.amount == request.amount else {
            throw ConformanceFailure(
                rule, "after a pay and its retry, a query of \(request.transactionId) reported \(queried.map { Self.describe($0) } ?? "not found")")
        }
    }

    /// Fails unless at least one request of `attempt` carries `id` unchanged as a whole token.
    func requireIdSent(_ rule: ConformanceRule, _ id: String, _ attempt: Attempt, _ what: String) throws {
        guard !attempt.exchanges.isEmpty else {
            throw ConformanceFailure(rule, "\(what)(\(id)) sent nothing through the transport it was given")
        }
        let carried = attempt.exchanges.contains { WireText.carries($0.request, id) }
        guard carried else {
            let seen = attempt.exchanges.compactMap { WireText.nearMiss($0.request, id) }.first
            throw ConformanceFailure(
                rule,
                "\(what)(\(id)) sent no request carrying the transaction id unchanged\(seen.map { " (it sent \($0))" } ?? "")")
        }
    }
}

/// Looks for a transaction id in what went over the wire.
enum WireText {
    /// The texts a request carries: its URL (as is and percent-decoded), header values and body (as is and
    /// percent-decoded, with `+` as a space).
    static func texts(_ request: HTTPRequestMessage) -> [String] {
        var texts = [request.url.absoluteString]
        if let decoded = request.url.absoluteString.removingPercentEncoding { texts.append(decoded) }
        texts += request.headers.map(\.value)
        let body = String(decoding: request.body, as: UTF8.self)
        texts.append(body)
        if let decoded = body.replacingOccurrences(of: "+", with: " ").removingPercentEncoding { texts.append(decoded) }
        return texts
    }

    /// Whether `id` occurs as a whole token (not inside a longer id).
    static func carries(_ request: HTTPRequestMessage, _ id: String) -> Bool {
        texts(request).contains { occursAsToken(id, in: $0) }
    }

    static func occursAsToken(_ id: String, in text: String) -> Bool {
        var searchRange = text.startIndex..<text.endIndex
        while let found = text.range(of: id, range: searchRange) {
            let before = found.lowerBound == text.startIndex ? nil : text[text.index(before: found.lowerBound)]
            let after = found.upperBound == text.endIndex ? nil : text[found.upperBound]
            if !isIdCharacter(before) && !isIdCharacter(after) { return true }
            searchRange = found.upperBound..<text.endIndex
        }
        return false
    }

    /// A token of the request that contains `id` but is longer (the id rewritten), for the failure message.
    static func nearMiss(_ request: HTTPRequestMessage, _ id: String) -> String? {
        for text in texts(request) {
            guard let found = text.range(of: id) else { continue }
            var lower = found.lowerBound
            var upper = found.upperBound
            while lower > text.startIndex, isIdCharacter(text[text.index(before: lower)]) { lower = text.index(before: lower) }
            while upper < text.endIndex, isIdCharacter(text[upper]) { upper = text.index(after: upper) }
            return "'\(text[lower..<upper])'"
        }
        return nil
    }

    private static func isIdCharacter(_ character: Character?) -> Bool {
        guard let character else { return false }
        return character.isLetter || character.isNumber || character == "-" || character == "_"
    }
}
