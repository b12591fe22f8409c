import Synchronization

/// Decides the fault of each pay and refund request: the request's own `[sim:…]` tag when it has one,
/// otherwise one draw from the run's ``FaultPlan`` with a seeded ``SplitMix64``. Also holds the
/// `query_unavailable` and `notify_unavailable` switches. Changed at run time through `PUT /_sim/faults`.
public final class FaultInjector: Sendable {
    /// What the control API shows and changes.
    public struct Settings: Sendable, Equatable {
        public var plan: FaultPlan
        /// The seed the generator last started from.
        public var seed: UInt64
        /// Whether queries are answered HTTP 503.
        public var queryUnavailable: Bool
        /// Whether every statement request is answered "statement not ready".
        public var statementNotReady = false
        /// Whether notification attempts fail without being sent (the merchant unreachable), to be retried on
        /// the notify schedule.
        public var notifyUnavailable = false
    }

    /// A change of the settings; `nil` fields stay as they are.
    public struct Change: Sendable {
        public var plan: FaultPlan?
        /// Restarts the generator from this seed.
        public var seed: UInt64?
        public var queryUnavailable: Bool?
        public var statementNotReady: Bool? = nil
        public var notifyUnavailable: Bool? = nil

        public init(
            plan: FaultPlan? = nil, seed: UInt64? = nil, queryUnavailable: Bool? = nil, statementNotReady: Bool? = nil,
            notifyUnavailable: Bool? = nil
        ) {
            self.plan = plan
            self.seed = seed
            self.queryUnavailable = queryUnavailable
            self.statementNotReady = statementNotReady
            self.notifyUnavailable = notifyUnavailable
        }
    }

    private struct State {
        var settings: Settings
        var generator: SplitMix64
    }

    private let state: Mutex<State>

    /// An injector drawing from `plan` with a generator seeded with `seed`.
    public init(plan: FaultPlan, seed: UInt64, queryUnavailable: Bool = false) {
        let settings = Settings(plan: plan, seed: seed, queryUnavailable: queryUnavailable)
        self.state = Mutex(State(settings: settings, generator: SplitMix64(seed: seed)))
    }

    /// A random seed below 2^53, so that every JSON client reads it back exactly.
    public static func randomSeed() -> UInt64 {
        UInt64.random(in: 0..<(1 << 53))
    }

    /// The current settings.
    public var settings: Settings {
        state.withLock { $0.settings }
    }

    /// Whether the query endpoint is switched off.
    public var isQueryUnavailable: Bool {
        state.withLock { $0.settings.queryUnavailable }
    }

    /// Whether statements are switched to "not ready".
    public var isStatementNotReady: Bool {
        state.withLock { $0.settings.statementNotReady }
    }

    /// Whether notifications are switched off.
    public var isNotifyUnavailable: Bool {
        state.withLock { $0.settings.notifyUnavailable }
    }

    /// Applies a change at once (all fields together) and returns the new settings.
    @discardableResult
    public func apply(_ change: Change) -> Settings {
        state.withLock { state in
            if let plan = change.plan { state.settings.plan = plan }
            if let seed = change.seed {
                state.settings.seed = seed
                state.generator = SplitMix64(seed: seed)
            }
            if let queryUnavailable = change.queryUnavailable { state.settings.queryUnavailable = queryUnavailable }
            if let notReady = change.statementNotReady { state.settings.statementNotReady = notReady }
            if let off = change.notifyUnavailable { state.settings.notifyUnavailable = off }
            return state.settings
        }
    }

    /// The fault of a pay request: its subject's first fault tag; no fault when it has only scenario tags; a
    /// draw when it has no known tag.
    public func fault(forPaySubject subject: String) -> Fault? {
        if SimTag.first(in: subject) != nil { return SimTag.first(in: subject, among: Fault.nameSet).flatMap(Fault.init) }
        return draw(refund: false)
    }

    /// The fault of a refund request: its reason's first fault tag when that fault applies to refunds (any
    /// other known tag means no fault), or a draw when it has no known tag.
    public func fault(forRefundReason reason: String) -> Fault? {
        if SimTag.first(in: reason) != nil {
            return SimTag.first(in: reason, among: Fault.nameSet).flatMap(Fault.init).flatMap { $0.appliesToRefunds ? $0 : nil }
        }
        return draw(refund: true)
    }

    /// One draw: every untagged request consumes exactly one number, whatever the plan.
    private func draw(refund: Bool) -> Fault? {
        state.withLock { state in
            let sample = state.generator.nextUnit()
            return state.settings.plan.fault(forSample: sample, refund: refund)
        }
    }
}
