import ChannelKit
import Foundation
import GatewayConfig
import Logging
import Synchronization

/// Every channel's circuit breaker, in this process, with the forced states ops set (kept in the ledger, so
/// every node applies them; `BreakerSyncService`).
///
///     closed ──(`failures` consecutive timeouts, server errors or not-sent calls)──▶ open
///     open ──(`cool_down_seconds` later, a payment is let through as a probe)──▶ half-open
///     half-open ──(`probes` probes succeed, one at a time)──▶ closed;  ──(a probe fails)──▶ open
///
/// Only new payments are gated: refunds, queries, recovery and notifications still use an open channel (they
/// are how its pending payments get resolved). A forced state overrides the automatic one until set back to
/// `auto`; the automatic state starts closed in a new process.
final class ChannelBreakers: Sendable {
    enum Phase: String, Sendable {
        case closed
        case open
        case halfOpen = "half_open"
    }

    /// What ops forced, from the ledger.
    enum Forced: String, Sendable {
        case open
        case closed
    }

    struct Override: Sendable, Equatable {
        var forced: Forced
        var by: String
        var reason: String?
        var at: Date
    }

    /// One channel's breaker as ops see it.
    struct View: Sendable, Equatable {
        var phase: Phase
        var forced: Override?
        /// Why it opened (the last failure of the run) and when.
        var reason: String?
        var trippedAt: Date?
        var consecutiveFailures: Int
        var trips: Int

        /// Whether new payments are refused.
        var refusesPayments: Bool {
            if let forced { return forced.forced == .open }
            return phase == .open
        }
    }

    /// Whether a new payment may go to a channel now.
    enum Admission: Sendable, Equatable {
        case allowed
        /// Allowed as a half-open probe: its outcome decides whether the breaker closes.
        case probe
        /// Refused: the breaker is open (or forced open); try again after `retryAfter` seconds.
        case refused(reason: String, retryAfter: Int)
    }

    private struct State {
        var phase = Phase.closed
        var failures = 0
        var reason: String?
        var trippedAt: Date?
        var probesInFlight = 0
        var probeSuccesses = 0
        var trips = 0
    }

    private let states = Mutex<[String: State]>([:])
    private let overrides = Mutex<[String: Override]>([:])
    private let logger: Logger

    init(logger: Logger = Logger(label: "gateway.breaker")) {
        self.logger = logger
    }

    /// Replaces the forced states (the ledger's, read by every node).
    func apply(overrides new: [String: Override]) {
        let old = overrides.withLock { overrides in
            defer { overrides = new }
            return overrides
        }
        for (channel, override) in new where old[channel] != override {
            logger.notice(
                "breaker forced", metadata: ["channel": "\(channel)", "state": "\(override.forced.rawValue)", "by": "\(override.by)"])
        }
        for channel in old.keys where new[channel] == nil {
            logger.notice("breaker back to auto", metadata: ["channel": "\(channel)"])
        }
    }

    func view(_ channel: String) -> View {
        let state = states.withLock { $0[channel] ?? State() }
        return View(
            phase: state.phase, forced: overrides.withLock { $0[channel] }, reason: state.reason,
            trippedAt: state.trippedAt, consecutiveFailures: state.failures, trips: state.trips)
    }

    /// Whether a new payment may be sent to `channel` now; a probe must be reported with `record(…, probe: true)`.
    func admit(_ channel: String, settings: BreakerSettings, now: Date) -> Admission {
        if let forced = overrides.withLock({ $0[channel] }) {
            return forced.forced == .closed
                ? .allowed
                : .refused(reason: "breaker forced open by \(forced.by)" + (forced.reason.map { ": \($0)" } ?? ""), retryAfter: 60)
        }
        guard settings.failures > 0 else { return .allowed }
        return states.withLock { states in
            var state = states[channel] ?? State()
            defer { states[channel] = state }
            switch state.phase {
            case .closed:
                return .allowed
            case .open:
                let reopen = (state.trippedAt ?? now).addingTimeInterval(TimeInterval(settings.coolDownSeconds))
                guard now >= reopen else {
                    return .refused(
                        reason: "breaker open since \(JSONBody.timestamp(state.trippedAt ?? now)): \(state.reason ?? "failures")",
                        retryAfter: max(1, Int(reopen.timeIntervalSince(now).rounded(.up))))
                }
                state.phase = .halfOpen
                state.probesInFlight = 1
                state.probeSuccesses = 0
                return .probe
            case .halfOpen:
                guard state.probesInFlight == 0 else {
                    return .refused(reason: "breaker half-open: a probe payment is deciding", retryAfter: 1)
                }
                state.probesInFlight = 1
                return .probe
            }
        }
    }

    /// A probe admitted but never sent (the payment was refused before the bank call): another may go.
    func cancelProbe(_ channel: String) {
        states.withLock { states in
            guard var state = states[channel] else { return }
            state.probesInFlight = max(0, state.probesInFlight - 1)
            states[channel] = state
        }
    }

    /// Counts a bank call's outcome (pay or refund) on `channel`.
    func record(_ outcome: ChannelOutcome, channel: String, settings: BreakerSettings, probe: Bool, now: Date) {
        let failure = Self.failure(outcome)
        let event: String? = states.withLock { states in
            var state = states[channel] ?? State()
            defer { states[channel] = state }
            if probe { state.probesInFlight = max(0, state.probesInFlight - 1) }
            guard let failure else {
                state.failures = 0
                if probe, state.phase == .halfOpen {
                    state.probeSuccesses += 1
                    if state.probeSuccesses >= settings.probes {
                        state.phase = .closed
                        state.reason = nil
                        return "closed"
                    }
                }
                return nil
            }
            state.failures += 1
            state.reason = failure
            if state.phase == .halfOpen, probe {
                state.phase = .open
                state.trippedAt = now
                state.trips += 1
                return "reopened"
            }
            if state.phase == .closed, settings.failures > 0, state.failures >= settings.failures {
                state.phase = .open
                state.trippedAt = now
                state.trips += 1
                return "opened"
            }
            return nil
        }
        guard let event else { return }
        switch event {
        case "closed":
            logger.notice("breaker closed: the probes succeeded", metadata: ["channel": "\(channel)"])
        default:
            logger.error(
                "breaker \(event): the channel is taken out of rotation",
                metadata: [
                    "channel": "\(channel)", "reason": "\(failure ?? "")", "consecutive_failures": "\(settings.failures)",
                    "cool_down_seconds": "\(settings.coolDownSeconds)",
                ])
        }
    }

    /// The failure an outcome counts as, or nil for an answer from a working bank (a decline included).
    static func failure(_ outcome: ChannelOutcome) -> String? {
        switch outcome.status {
        case .declined:
            return outcome.declineReason == .notSent ? "not sent: \(outcome.bankMessage ?? "no connection")" : nil
        case .pending:
            switch outcome.pendingCause {
            case .timeout: return "timeout"
            case .serverError: return "server error" + (outcome.bankCode.map { " (\($0))" } ?? "")
            case .unreachable, .connectionLost: return "connection: \(outcome.bankMessage ?? "lost")"
            case .channelFailure: return "channel failure"
            default: return nil
            }
        case .succeeded:
            return nil
        }
    }
}
