import ChannelKit
import Foundation
import GatewayConfig
import Testing

@testable import GatewayHost

@Suite("Breaker: the state machine")
struct ChannelBreakersTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static func settings(failures: Int = 3, coolDown: Int = 10, probes: Int = 2) -> BreakerSettings {
        var settings = BreakerSettings()
        settings.failures = failures
        settings.coolDownSeconds = coolDown
        settings.probes = probes
        return settings
    }
    static let timeout = ChannelOutcome.pending(.timeout, message: "no answer")
    static let ok = ChannelOutcome.succeeded(bankTransactionId: "T1", amount: Money(minorUnits: 1, currency: Currency(code: "CNY")!), finishedAt: t0)
    static let bankDeclined = ChannelOutcome.declined(bankCode: "2001", message: "insufficient funds")

    @Test("a run of failures opens it; an answer from a working bank (a decline too) resets the run")
    func opens() {
        let breakers = ChannelBreakers()
        let s = Self.settings()
        for outcome in [Self.timeout, Self.timeout, Self.bankDeclined, Self.timeout, Self.timeout] {
            #expect(breakers.admit("x", settings: s, now: Self.t0) == .allowed)
            breakers.record(outcome, channel: "x", settings: s, probe: false, now: Self.t0)
        }
        #expect(breakers.view("x").phase == .closed && breakers.view("x").consecutiveFailures == 2)
        breakers.record(.notSent("connection refused", code: "not_sent"), channel: "x", settings: s, probe: false, now: Self.t0)
        #expect(breakers.view("x").phase == .open && breakers.view("x").trips == 1)
        guard case .refused(_, let retryAfter) = breakers.admit("x", settings: s, now: Self.t0.addingTimeInterval(4)) else {
            Issue.record("an open breaker admitted a payment")
            return
        }
        #expect(retryAfter == 6)
    }

    @Test("half-open: one probe at a time; a probe not sent frees the slot; a failed probe reopens; enough successes close it")
    func halfOpen() {
        let breakers = ChannelBreakers()
        let s = Self.settings(failures: 1, coolDown: 10, probes: 2)
        breakers.record(Self.timeout, channel: "x", settings: s, probe: false, now: Self.t0)
        let later = Self.t0.addingTimeInterval(10)
        #expect(breakers.admit("x", settings: s, now: later) == .probe)
        if case .allowed = breakers.admit("x", settings: s, now: later) { Issue.record("two probes at once") }
        breakers.cancelProbe("x")
        #expect(breakers.admit("x", settings: s, now: later) == .probe)
        breakers.record(Self.timeout, channel: "x", settings: s, probe: true, now: later)
        #expect(breakers.view("x").phase == .open && breakers.view("x").trips == 2)
        let again = later.addingTimeInterval(10)
        #expect(breakers.admit("x", settings: s, now: again) == .probe)
        breakers.record(Self.ok, channel: "x", settings: s, probe: true, now: again)
        #expect(breakers.view("x").phase == .halfOpen)
        #expect(breakers.admit("x", settings: s, now: again) == .probe)
        breakers.record(Self.ok, channel: "x", settings: s, probe: true, now: again)
        #expect(breakers.view("x").phase == .closed)
        #expect(breakers.admit("x", settings: s, now: again) == .allowed)
    }

    @Test("failures: 0 never opens; a forced state wins over the automatic one until removed")
    func forcedAndDisabled() {
        let breakers = ChannelBreakers()
        let off = Self.settings(failures: 0)
        for _ in 0..<10 { breakers.record(Self.timeout, channel: "x", settings: off, probe: false, now: Self.t0) }
        #expect(breakers.admit("x", settings: off, now: Self.t0) == .allowed)
        let s = Self.settings(failures: 1)
        breakers.record(Self.timeout, channel: "y", settings: s, probe: false, now: Self.t0)
        breakers.apply(overrides: ["y": .init(forced: .closed, by: "ops", reason: nil, at: Self.t0)])
        #expect(breakers.admit("y", settings: s, now: Self.t0) == .allowed)
        breakers.apply(overrides: ["y": .init(forced: .open, by: "ops", reason: "maintenance", at: Self.t0)])
        guard case .refused(let reason, _) = breakers.admit("y", settings: s, now: Self.t0) else {
            Issue.record("forced open admitted")
            return
        }
        #expect(reason.contains("forced open by ops") && reason.contains("maintenance"))
        breakers.apply(overrides: [:])
        if case .allowed = breakers.admit("y", settings: s, now: Self.t0) { Issue.record("back to auto forgot it was open") }
    }
}
