import ChannelKit
import Foundation

/// The ChannelKit conformance suite: it checks a plugin's channel against the contract, rule by rule
/// (``ConformanceRule``), driving the channel's bank through a ``ConformanceBank``.
///
/// Every channel the suite creates gets the bank's configuration, a ``CapturingChannelLogger`` (``logger``),
/// the bank's clock, a notification URL on the suite's own ``LoopbackHTTPServer``, and the bank's transport
/// wrapped in a ``FaultInjectingTransport`` (``transport``): transport faults are injected by the suite, the
/// same way for every bank.
///
/// ```swift
/// @Test func acmeConforms() async throws {
///     let suite = ConformanceSuite(plugin: AcmePlugin(), bank: AcmeSimulatorBank(server: simulator.url))
///     try await suite.check(.timeoutIsPending)                 // one rule: throws ConformanceFailure
///     let report = await suite.runAll()                        // every rule
///     #expect(report.failures.isEmpty, "\(report)")
/// }
/// ```
public final class ConformanceSuite: Sendable {
    /// Amounts and limits the checks use.
    public struct Options: Hashable, Sendable {
        /// The amount of a payment, in minor units of the configuration's first currency (raised to its minimum
        /// when below). Default 1000.
        public var amountMinorUnits: Int64
        /// The longest one channel call may take before the check fails. Default 60 seconds.
        public var callTimeout: Duration

        /// Creates options.
        public init(amountMinorUnits: Int64 = 1000, callTimeout: Duration = .seconds(60)) {
            self.amountMinorUnits = amountMinorUnits
            self.callTimeout = callTimeout
        }
    }

    /// The plugin under test.
    public let plugin: any ChannelPlugin
    /// The bank driver.
    public let bank: any ConformanceBank
    /// The options.
    public let options: Options
    /// The logger every channel of the suite logs to.
    public let logger = CapturingChannelLogger()
    /// The transport every channel of the suite sends through: the bank's, wrapped.
    public let transport: FaultInjectingTransport

    let inbox: NotificationInbox
    let observed = ObservedValues()
    let statements = StatementCache()

    /// Creates a suite for `plugin` against `bank`.
    public init(plugin: any ChannelPlugin, bank: any ConformanceBank, options: Options = Options()) {
        self.plugin = plugin
        self.bank = bank
        self.options = options
        transport = FaultInjectingTransport(wrapping: bank.transport)
        inbox = NotificationInbox(clock: bank.clock)
    }

    /// Checks one rule.
    /// - Throws: ``ConformanceFailure`` naming the rule when the channel breaks it; ``ConformanceUnsupported``
    ///   when the rule cannot be checked against this bank (no statements, a behaviour it cannot show).
    public func check(_ rule: ConformanceRule) async throws {
        transport.inject(nil)
        defer { transport.inject(nil) }
        do {
            switch rule {
            case .manifestConsistent: try await checkManifest()
            case .payThenQueryAgree: try await checkPayThenQuery()
            case .timeoutIsPending: try await checkFaultIsPending(rule, .timeoutAfterSend, "a timeout after the request was sent")
            case .connectionLostIsPending:
                try await checkFaultIsPending(rule, .connectionLostAfterSend, "a connection lost after the request was sent")
            case .serverErrorIsPending: try await checkFaultIsPending(rule, .serverError, "an HTTP 500 answer")
            case .unverifiableIsPending: try await checkUnverifiable()
            case .busyIsPending: try await checkBehaviourIsPending(rule, .busy)
            case .processingIsPending: try await checkBehaviourIsPending(rule, .processing)
            case .notProcessedJustified: try await checkNotProcessed()
            case .transactionIdUnchanged: try await checkTransactionId()
            case .refundsAddUp: try await checkRefundsAddUp()
            case .overRefundDeclined: try await checkOverRefund()
            case .statementLinesAccounted: try await checkStatementLines()
            case .statementMatchesPayments: try await checkStatementMatches()
            case .notificationVerified: try await checkNotification()
            case .noCredentialLeak: try await checkNoCredentialLeak()
            }
        } catch let failure as ConformanceFailure {
            throw failure
        } catch let unsupported as ConformanceUnsupported {
            throw unsupported
        } catch let timeout as CallTimedOut {
            throw ConformanceFailure(rule, "\(timeout.call) did not return within \(options.callTimeout)")
        } catch {
            throw ConformanceFailure(rule, "the check could not complete: \(Self.describe(error))")
        }
    }

    /// Checks one rule and returns its result instead of throwing.
    public func run(_ rule: ConformanceRule) async -> ConformanceResult {
        do {
            try await check(rule)
            return .passed
        } catch let failure as ConformanceFailure {
            return .failed(failure)
        } catch let unsupported as ConformanceUnsupported {
            return .skipped(unsupported.reason)
        } catch {
            return .failed(ConformanceFailure(rule, "the check could not complete: \(error)"))
        }
    }

    /// Checks `rules` (default: all, in ``ConformanceRule`` order) one after the other.
    public func runAll(_ rules: [ConformanceRule] = ConformanceRule.allCases) async -> ConformanceReport {
        var results: [ConformanceReport.Entry] = []
        for rule in rules {
            let start = ContinuousClock.now
            let result = await run(rule)
            let elapsed = ContinuousClock.now - start
            let milliseconds = Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
            results.append(ConformanceReport.Entry(rule: rule, result: result, milliseconds: milliseconds))
        }
        inbox.stop()
        return ConformanceReport(plugin: "\(plugin.manifest.id) \(plugin.manifest.version)", results: results)
    }

    /// Stops the suite's notification server. ``runAll(_:)`` does it at its end; call it after single checks.
    public func shutdown() {
        inbox.stop()
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? PaymentChannelError { return error.description }
        if let error = error as? TransportError { return error.description }
        return String(describing: error)
    }
}
