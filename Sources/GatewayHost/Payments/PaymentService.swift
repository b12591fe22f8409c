import ChannelKit
import GatewayConfig
import Foundation
import Logging

/// The payments core: the one place that changes a payment's or refund's state.
///
/// Pay flow: idempotency lookup → channel choice → the payment row (processing, chosen channel, the
/// transaction id the bank will see, when recovery may first look at it) is durable → the plugin is
/// called → its outcome is stored as a transition → the stored payment is the answer. A crash between two
/// steps leaves a row that the recovery worker resolves (`PaymentService+Recovery`).
///
/// Idempotency: (merchant, merchant order id) is unique in the ledger. A copy of a request that finds the
/// row still processing (the first copy's bank call is in flight, in this process or another one) waits
/// for it to settle, within `Configuration.inFlightWait`, and answers the same stored payment.
struct PaymentService: Sendable {
    struct Configuration: Sendable {
        /// Delays between recovery checks of an open transaction: the n-th check waits `schedule[n]` (the last
        /// entry repeats).
        var recoverySchedule: [Duration] = [1, 2, 5, 10, 30, 60, 120, 300].map { .seconds($0) }
        /// Open transactions older than this are flagged for ops (API field `needs_attention`, metric).
        var pendingAlertAge: Duration = .seconds(900)
        /// Longest a copy of a request waits for the first copy's bank call; nil = the channel's request
        /// timeout plus 5 s.
        var inFlightWait: Duration?
    }

    var store: any PaymentStore
    var registry: ChannelRegistry
    /// The merchants and their limits (nil: no merchant limits, as in some tests).
    var merchants: MerchantRegistry?
    var configuration = Configuration()
    var ids = TransactionIdGenerator()
    /// The bodies of the webhook events this process's outcome updates wrote (`applyOutcome`), for the dispatcher.
    var webhookBodies = WebhookBodies()
    var logger: Logger
    var now: @Sendable () -> Date = { Date() }

    // MARK: payments

    func createPayment(_ request: NewPayment) async throws -> Created<PaymentRecord> {
        // A replay is answered from the ledger before any channel is chosen: the channel may have gone offline
        // since, and the stored answer must still come back. `insertPayment` checks again inside its write
        // transaction, which is what makes concurrent first requests (in any process) safe.
        if let existing = try await store.payment(merchantId: request.merchantId, merchantOrderId: request.merchantOrderId) {
            // Nothing is inserted: the request's nonce is recorded on its own, before any answer.
            try await request.nonce?.record(in: store)
            return Created(record: try await settled(try replay(existing, request)), isNew: false)
        }
        // Each candidate channel is pinned for the rest of its try: the row, the call window and the bank call
        // all use this one entry and instance, whatever a reload or a toggle publishes meanwhile. A channel whose
        // daily limits have no room is passed over for the next candidate (nothing was stored for it).
        let (candidates, routing) = try candidateChannels(request)
        var skipped = routing.skipped
        let planner = LimitPlanner(merchantLimits: merchants?.merchant(request.merchantId)?.limits)
        let timestamp = now()
        let id = ids.make(prefix: "pay_", now: timestamp)
        var refusals: [LimitRefusal] = []
        var degraded: [(channel: String, reason: String, retryAfter: Int)] = []
        for (index, candidate) in candidates.enumerated() {
            // The channel's circuit breaker: an open one takes no new payments; a named channel is refused at once.
            let breakerSettings = registry.channel(candidate)?.breakerSettings ?? BreakerSettings()
            let admission = registry.breakers.admit(candidate, settings: breakerSettings, now: timestamp)
            if case .refused(let reason, let retryAfter) = admission {
                if request.channelId != nil { throw GatewayError.channelDegraded(candidate, reason: reason, retryAfter: retryAfter) }
                degraded.append((candidate, reason, retryAfter))
                skipped.append((candidate, PaymentRouter.Skip.breakerOpen.rawValue))
                continue
            }
            var probe = admission == .probe
            defer { if probe { registry.breakers.cancelProbe(candidate) } }
            let channel: PinnedChannel
            do {
                channel = try pinForPayment(candidate, request)
            } catch {
                // A routed channel that went away or changed since the candidates were listed: try the next.
                if request.channelId == nil, index < candidates.count - 1 || !refusals.isEmpty || !degraded.isEmpty { continue }
                throw error
            }
            defer { channel.release() }
            let holds: [LimitHold]
            switch planner.plan(merchantId: request.merchantId, amount: request.amount, entry: channel.entry, now: timestamp) {
            case .failure(let refusal):
                refusals.append(refusal)
                skipped.append((candidate, PaymentRouter.Skip.limitReached.rawValue))
                continue
            case .success(let planned):
                holds = planned
            }
            let record = PaymentRecord(
                id: id, merchantId: request.merchantId, merchantOrderId: request.merchantOrderId, channelId: channel.id,
                amount: request.amount.minorUnits, currency: request.amount.currency.code, subject: request.subject,
                notifyURL: request.notifyURL, metadata: request.metadata, status: .processing, bankTransactionId: nil,
                bankCode: nil, bankMessage: nil, notProcessed: false, createdAt: timestamp, updatedAt: timestamp,
                finishedAt: nil)
            switch try await store.insertPayment(
                record, checkAt: timestamp + callWindow(channel.entry), holds: holds, nonce: request.nonce)
            {
            case .replayedNonce:
                throw AuthError.replayedNonce
            case .existing(let existing):
                return Created(record: try await settled(try replay(existing, request)), isNew: false)
            case .limitExceeded(let refusal):
                refusals.append(refusal)
                skipped.append((candidate, PaymentRouter.Skip.limitReached.rawValue))
                continue
            case .inserted(let stored):
                if !skipped.isEmpty || routing.rule != nil {
                    logger.info(
                        "payment routed",
                        metadata: [
                            "payment": "\(stored.id)", "channel": "\(channel.id)", "rule": "\(routing.rule ?? "-")",
                            "skipped": "\(skipped.map { "\($0.channel): \($0.reason)" }.joined(separator: "; "))",
                        ])
                }
                let rest = request.channelId == nil ? Array(candidates[(index + 1)...]) : []
                let wasProbe = probe
                probe = false  // the bank call below reports it
                return Created(
                    record: try await pay(stored, on: channel, probe: wasProbe, request, failover: rest, planner: planner),
                    isNew: true)
            }
        }
        if let refusal = refusals.first {
            logger.notice(
                "payment refused by a limit",
                metadata: ["merchant": "\(request.merchantId)", "limit": "\(refusal.description)", "channels": "\(candidates.count)"])
            throw GatewayError.limitExceeded(refusal, skipped: skipped.map { "\($0.channel): \($0.reason)" })
        }
        if let first = degraded.first {
            // Every channel that could take it is out of rotation: a temporary refusal, retried when one reopens.
            throw GatewayError.channelDegraded(
                degraded.count == 1 ? first.channel : nil, reason: degraded.map { "\($0.channel): \($0.reason)" }.joined(separator: "; "),
                retryAfter: degraded.map(\.retryAfter).min() ?? 1)
        }
        throw GatewayError.noChannel(request.amount.currency.code, skipped: skipped.map { "\($0.channel): \($0.reason)" })
    }

    /// Sends the payment's current attempt and stores its outcome. By ChannelKit 2.0's one rule, an attempt that
    /// was not sent, or that its bank refused with a reason the plugin types as safe to try elsewhere, moves the
    /// payment to the next channel in `failover` that takes it (a new attempt with its own bank-visible id,
    /// recorded with the reason) — never after pending, a timeout, an error after sending or any other answer,
    /// which stay on their channel and are resolved by query there.
    private func pay(
        _ stored: PaymentRecord, on first: PinnedChannel, probe: Bool, _ request: NewPayment, failover: [String],
        planner: LimitPlanner
    ) async throws -> PaymentRecord {
        var payment = stored
        var channel = first
        var probe = probe
        var remaining = failover[...]
        var taken: [PinnedChannel] = []
        defer { for pinned in taken { pinned.release() } }
        while true {
            let transactionId = payment.transactionId
            let outcome = await callBank(channel, operation: "pay") { channel in
                try await channel.pay(PayRequest(transactionId: transactionId, amount: request.amount, subject: request.subject))
            }
            registry.breakers.record(
                outcome, channel: channel.id, settings: channel.entry.breakerSettings, probe: probe, now: now())
            registry.successRates.record(outcome, channel: channel.id)
            if outcome.status == .declined, let reason = outcome.declineReason,
                reason == .notSent || reason == .refusedTryElsewhere, !remaining.isEmpty,
                let next = try await failOver(payment, from: channel, outcome: outcome, request, &remaining, planner)
            {
                payment = next.payment
                channel = next.channel
                probe = next.probe
                taken.append(next.channel)
                continue
            }
            return try await applyOutcome(update(outcome, cause: "pay answer"), toPayment: payment.id) ?? payment
        }
    }

    /// Moves `payment` to the first of `remaining` that can take it; nil when none can (its answer then stands).
    private func failOver(
        _ payment: PaymentRecord, from channel: PinnedChannel, outcome: ChannelOutcome, _ request: NewPayment,
        _ remaining: inout ArraySlice<String>, _ planner: LimitPlanner
    ) async throws -> (payment: PaymentRecord, channel: PinnedChannel, probe: Bool)? {
        let ended = "attempt \(payment.attemptNumber) on \(channel.id) \(outcome.declineReason?.rawValue ?? "declined")"
            + (outcome.bankCode.map { " (\($0))" } ?? "")
        while let candidate = remaining.popFirst() {
            let settings = registry.channel(candidate)?.breakerSettings ?? BreakerSettings()
            let admission = registry.breakers.admit(candidate, settings: settings, now: now())
            if case .refused(let reason, _) = admission {
                logger.info("failover skips a channel", metadata: ["payment": "\(payment.id)", "channel": "\(candidate)", "reason": "\(reason)"])
                continue
            }
            var probe = admission == .probe
            defer { if probe { registry.breakers.cancelProbe(candidate) } }
            guard let next = try? pinForPayment(candidate, request) else {
                logger.info("failover skips a channel", metadata: ["payment": "\(payment.id)", "channel": "\(candidate)", "reason": "unavailable"])
                continue
            }
            let holds: [LimitHold]
            switch planner.plan(merchantId: request.merchantId, amount: request.amount, entry: next.entry, now: now()) {
            case .failure(let refusal):
                logger.info("failover skips a channel", metadata: ["payment": "\(payment.id)", "channel": "\(candidate)", "reason": "limit: \(refusal.description)"])
                next.release()
                continue
            case .success(let planned):
                holds = planned
            }
            let timestamp = now()
            let failover = Failover(
                paymentId: payment.id, fromTransactionId: payment.transactionId,
                outcome: update(outcome, cause: "failover"), reason: "\(ended): trying \(next.id)",
                nextAttemptId: ids.make(prefix: "pat_", now: timestamp), nextChannelId: next.id, holds: holds,
                checkAt: timestamp + callWindow(next.entry))
            switch try await store.failoverPayment(failover, at: timestamp) {
            case .moved(let moved):
                logger.notice(
                    "payment failed over", metadata: ["payment": "\(payment.id)", "from": "\(channel.id)", "to": "\(next.id)", "reason": "\(ended)"])
                defer { probe = false }  // the caller's bank call reports it
                return (moved, next, probe)
            case .limitExceeded(let refusal):
                logger.info("failover skips a channel", metadata: ["payment": "\(payment.id)", "channel": "\(candidate)", "reason": "limit: \(refusal.description)"])
                next.release()
            case .notCurrent:
                next.release()
                return nil
            }
        }
        return nil
    }

    /// A payment of this merchant, as stored (open ones are resolved by the recovery worker and notifications).
    func payment(id: String, merchantId: String) async throws -> PaymentRecord {
        guard let payment = try await store.payment(id: id), payment.merchantId == merchantId else {
            throw GatewayError.paymentNotFound()
        }
        return payment
    }

    func payment(merchantOrderId: String, merchantId: String) async throws -> PaymentRecord {
        guard let payment = try await store.payment(merchantId: merchantId, merchantOrderId: merchantOrderId) else {
            throw GatewayError.paymentNotFound()
        }
        return payment
    }

    /// A payment's outcome update (`PaymentStore.updatePayment`, at `now()`); when it reached a final state, the
    /// body of the webhook event it wrote is rendered from the returned row and kept for the dispatcher
    /// (`WebhookBodies`), which then reads nothing to send it.
    func applyOutcome(_ update: OutcomeUpdate, toPayment id: String) async throws -> PaymentRecord? {
        let at = now()
        let stored = try await store.updatePayment(id: id, with: update, at: at)
        if let stored { webhookBodies.freeze(stored, movedAt: at, to: update.status) }
        return stored
    }

    func refundTotals(paymentId: String) async throws -> RefundTotals {
        try await store.refundTotals(paymentId: paymentId)
    }

    func transitions(_ id: String) async throws -> [TransitionRecord] {
        try await store.transitions(transactionId: id)
    }

    func webhooks(_ id: String) async throws -> [WebhookEvent] {
        try await store.webhooks(transactionId: id)
    }

    /// Whether an open transaction is older than the ops alert age.
    func needsAttention(status: TransactionStatus, createdAt: Date) -> Bool {
        !status.isFinal && now().timeIntervalSince(createdAt) > configuration.pendingAlertAge.seconds
    }

    /// Waits while a payment is processing (its bank call in flight elsewhere), within the in-flight bound.
    private func settled(_ payment: PaymentRecord) async throws -> PaymentRecord {
        guard payment.status == .processing else { return payment }
        let id = payment.id
        return try await InFlightWait.until(limit: inFlightWait(payment.channelId), current: payment) {
            try await store.payment(id: id)
        } isSettled: { $0.status != .processing }
    }

    private func replay(_ existing: PaymentRecord, _ request: NewPayment) throws -> PaymentRecord {
        var differences: [String] = []
        if existing.amount != request.amount.minorUnits { differences.append("amount") }
        if existing.currency != request.amount.currency.code { differences.append("currency") }
        if let channel = request.channelId, channel != existing.channelId { differences.append("channel") }
        guard differences.isEmpty else {
            throw GatewayError.idempotencyConflict(
                "merchant_order_id '\(request.merchantOrderId)' was already used with a different "
                    + differences.joined(separator: ", "))
        }
        return existing
    }

    /// The channels a new payment may go to, in the order they are tried: the one it names (which must be
    /// online and ready), else those the routing rules give (`PaymentRouter`), with why the others are skipped.
    private func candidateChannels(_ request: NewPayment) throws -> ([String], PaymentRouter.Decision) {
        if let id = request.channelId {
            guard let found = registry.channel(id) else { throw GatewayError.unknownChannel(id) }
            guard !found.retired else { throw GatewayError.channelRetired(id) }
            guard found.online else { throw GatewayError.channelOffline(id) }
            guard found.state == .ready, found.instance != nil else { throw GatewayError.channelUnavailable(id) }
            return ([id], PaymentRouter.Decision(rule: nil, candidates: [id], skipped: []))
        }
        let rates = registry.successRates
        let decision = PaymentRouter.route(
            request, rules: registry.routing, channels: registry.channels, draw: Int.random(in: 0..<100),
            explore: Int.random(in: 0..<100), pick: { Int.random(in: 0..<$0) }, rate: { rates.rate($0)?.rate })
        guard !decision.candidates.isEmpty else {
            throw GatewayError.noChannel(
                request.amount.currency.code, skipped: decision.skipped.map { "\($0.channel): \($0.reason)" })
        }
        return (decision.candidates, decision)
    }

    /// Pins a candidate channel for one try, checking again on the entry it pins (the newest: a toggle between
    /// listing and pinning counts) and enforcing its effective bounds (its plugin's, narrowed by its config)
    /// before the bank is called; the plugin need not check them again. The caller releases it.
    private func pinForPayment(_ id: String, _ request: NewPayment) throws -> PinnedChannel {
        let amount = request.amount
        guard let pinned = registry.pin(id) else { throw GatewayError.channelUnavailable(id) }
        let entry = pinned.entry
        do {
            guard entry.acceptsPayments else {
                throw entry.retired
                    ? GatewayError.channelRetired(id)
                    : entry.online ? GatewayError.channelUnavailable(id) : GatewayError.channelOffline(id)
            }
            guard let bound = entry.limits.bound(for: amount.currency) else {
                throw GatewayError.unsupportedCurrency("channel '\(entry.id)' does not accept \(amount.currency.code)")
            }
            guard amount.minorUnits <= bound.maximumMinorUnits else {
                throw GatewayError.amountTooLarge(
                    "amount \(amount.minorUnits) exceeds channel '\(entry.id)' maximum of \(bound.maximumMinorUnits) minor units")
            }
            guard amount.minorUnits >= bound.minimumMinorUnits else {
                throw GatewayError.amountTooSmall(
                    "amount \(amount.minorUnits) is below channel '\(entry.id)' minimum of \(bound.minimumMinorUnits) minor units")
            }
        } catch {
            pinned.release()
            throw error
        }
        return pinned
    }

    // MARK: shared steps

    /// How long a bank call of this channel can take: recovery leaves a processing row alone until then.
    func callWindow(_ channelId: String) -> TimeInterval {
        registry.channel(channelId).map(callWindow) ?? 35
    }

    func callWindow(_ entry: ChannelEntry) -> TimeInterval {
        (entry.timeouts.connect + entry.timeouts.request).seconds + 5
    }

    func inFlightWait(_ channelId: String) -> Duration {
        configuration.inFlightWait ?? .seconds(callWindow(channelId))
    }

    /// The stored form of an outcome; a pending one gets its first recovery check time.
    func update(_ outcome: ChannelOutcome, cause: String, attempts: Int = 0) -> OutcomeUpdate {
        let timestamp = now()
        return OutcomeUpdate(outcome, cause: cause, now: timestamp, nextCheckAt: timestamp + recoveryDelay(after: attempts))
    }

    /// Delay before the next recovery check after `attempts` checks, with ±10 % jitter so that many
    /// transactions that went pending together do not query together.
    func recoveryDelay(after attempts: Int) -> TimeInterval {
        let schedule = configuration.recoverySchedule
        guard let base = schedule.isEmpty ? nil : schedule[min(attempts, schedule.count - 1)] else { return 60 }
        return base.seconds * Double.random(in: 0.9...1.1)
    }

    /// Calls the bank and turns whatever happens into an outcome, by ChannelKit 2.0's rule: a throw is
    /// declined as ``DeclineReason/notSent`` only when nothing can have reached the bank — the channel handed
    /// no request to the transport during the call (``BankCallTracker``) *and* the error says it refused the
    /// request before sending (``PaymentChannelError/Code/rejectsBeforeSending``). Anything else thrown is
    /// pending (``PendingCause/channelFailure``), resolved later by query.
    func callBank(
        _ channelId: String, operation: String, _ body: @Sendable (any PaymentChannel) async throws -> ChannelOutcome
    ) async -> ChannelOutcome {
        guard let pinned = registry.pin(channelId) else {
            return .notSent("channel \(channelId) is not loaded", code: "channel_not_loaded")
        }
        defer { pinned.release() }
        return await callBank(pinned, operation: operation, body)
    }

    /// `callBank` on a channel the caller has pinned.
    func callBank(
        _ pinned: PinnedChannel, operation: String, _ body: @Sendable (any PaymentChannel) async throws -> ChannelOutcome
    ) async -> ChannelOutcome {
        let channelId = pinned.id
        let channel = pinned.channel
        let tracker = BankCallTracker()
        let started = ContinuousClock.now
        let outcome: ChannelOutcome
        do {
            outcome = try await BankCallTracker.$current.withValue(tracker) { try await body(channel) }
        } catch {
            outcome = Self.outcome(ofThrown: error, mayHaveSent: tracker.mayHaveSent)
            logger.error(
                "channel call threw",
                metadata: [
                    "channel": "\(channelId)", "operation": "\(operation)", "error": "\(error)",
                    "outcome": "\(outcome.status.rawValue)", "request_may_have_been_sent": "\(tracker.mayHaveSent)",
                ])
        }
        OutcomeMetrics.record(outcome, channel: channelId, operation: operation, duration: ContinuousClock.now - started)
        return outcome
    }

    /// The outcome of a call that threw: see ``callBank(_:operation:_:)``.
    static func outcome(ofThrown error: any Error, mayHaveSent: Bool) -> ChannelOutcome {
        if !mayHaveSent, let refusal = error as? PaymentChannelError,
            PaymentChannelError.Code.rejectsBeforeSending.contains(refusal.code)
        {
            return .notSent("the channel refused the request before sending it: \(refusal.message)", code: refusal.code.rawValue)
        }
        let text = (error as? PaymentChannelError).map { "\($0.code): \($0.message)" } ?? String(describing: error)
        return .pending(
            .channelFailure,
            message: mayHaveSent
                ? "the channel failed after a request may have reached the bank: \(text)"
                : "the channel failed with an error that does not say nothing was sent: \(text)")
    }
}

extension Duration {
    /// The duration in seconds, with fractions.
    var seconds: TimeInterval {
        let parts = components
        return TimeInterval(parts.seconds) + TimeInterval(parts.attoseconds) / 1e18
    }

    /// The duration in whole milliseconds.
    var milliseconds: Int64 {
        let parts = components
        return parts.seconds * 1000 + parts.attoseconds / 1_000_000_000_000_000
    }
}
