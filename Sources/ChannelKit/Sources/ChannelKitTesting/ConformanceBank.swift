import ChannelKit
import Foundation

/// A behaviour the bank is asked to show for one payment (``ConformanceBank/arrange(_:for:)``).
///
/// Transport faults (timeouts, lost connections, 5xx, corrupted answers, resets) are not behaviours: the suite
/// injects them itself with a ``FaultInjectingTransport`` around the bank's transport, the same way for every
/// bank.
public enum BankBehaviour: String, Hashable, Sendable, Codable, CaseIterable {
    /// The bank charges and answers success.
    case approve
    /// The bank processes the payment and refuses it (insufficient funds...): a plain decline.
    case decline
    /// The bank answers that it is busy (rate limit, "system busy"), without processing the payment.
    case busy
    /// The bank accepts the payment and answers that it is still processing it.
    case processing
    /// The bank answers, in an answer that verifies, another amount than the one asked.
    case mismatchingAmount = "mismatching-amount"
    /// The bank refuses the payment unprocessed with one of its retry-safe codes
    /// (``ConformanceBank/retrySafeCodes``).
    case notProcessed = "not-processed"
}

/// How the suite drives a channel's bank: a simulator over loopback HTTP (with ``URLSessionTransport``) or a
/// bank scripted in-process (with ``ScriptedTransport``). Only ``configuration()``, ``transport`` and
/// ``arrange(_:for:)`` are required; the rest have defaults.
///
/// ```swift
/// struct AcmeSimulatorBank: ConformanceBank {
///     let server: URL                                  // the simulator, started by the test
///     var transport: any HTTPTransport { URLSessionTransport() }
///     func configuration() async throws -> ChannelConfiguration {
///         ChannelConfiguration(channelId: "acme", pluginId: "acme", endpoint: server,
///             settings: ["merchant_no": "M001"], credentials: ["secret": Credential(current: Secret("s3cret"))],
///             currencies: [CurrencyBound(Currency(code: "CNY")!, maximumMinorUnits: 10_000_000)])
///     }
///     func arrange(_ behaviour: BankBehaviour, for request: PayRequest) async throws -> PayRequest {
///         var request = request
///         switch behaviour {
///         case .approve: break
///         case .decline: request.subject += " [sim:insufficient-funds]"
///         case .busy: request.subject += " [sim:busy]"
///         case .processing: request.subject += " [sim:processing]"
///         case .mismatchingAmount, .notProcessed: throw ConformanceUnsupported("the simulator has no such scenario")
///         }
///         return request
///     }
/// }
/// ```
public protocol ConformanceBank: Sendable {
    /// The channel configuration pointing at the bank: its endpoint, and exactly the settings and credentials
    /// the bank needs (only keys the manifest declares). Called for every channel the suite creates.
    func configuration() async throws -> ChannelConfiguration

    /// The transport that reaches the bank. The suite wraps it to record what goes over the wire and to inject
    /// faults; the channel never gets it directly.
    var transport: any HTTPTransport { get }

    /// The clock the channel is given. Default: the system clock. A bank with a movable clock (a simulator
    /// moved to the next day for its statement) returns a clock that follows it.
    var clock: any ChannelClock { get }

    /// A fresh transaction id this bank accepts, unique for ever. Default: `ck` and 24 lowercase hex digits.
    func newTransactionId() -> String

    /// Makes the bank show `behaviour` for the payment `request` — for example by adding a scenario tag to its
    /// subject, or by scripting the answer of a scripted bank — and returns the request to send.
    /// - Throws: ``ConformanceUnsupported`` when the bank cannot show it (the checks that need it are skipped).
    func arrange(_ behaviour: BankBehaviour, for request: PayRequest) async throws -> PayRequest

    /// The bank codes its documentation says leave a request unprocessed and safe to retry or route elsewhere
    /// (a channel may decline with a not-processed ``ChannelKit/DeclineReason`` only for these, or when nothing
    /// was sent). Default: none.
    var retrySafeCodes: Set<String> { get }

    /// A genuine notification the bank sends for `payment` (already answered `outcome`), for a bank driven
    /// in-process. Default `nil`: the bank delivers its notifications itself over HTTP to the channel's
    /// `notifyURL`, where the suite's ``LoopbackHTTPServer`` receives them.
    /// - Throws: ``ConformanceUnsupported`` when the bank sends none.
    func notification(for payment: PayRequest, outcome: ChannelOutcome) async throws -> InboundNotification?

    /// How long the suite waits for a notification delivered over HTTP. Default: 15 seconds.
    var notificationTimeout: Duration { get }

    /// Makes the statement of the day that holds `payments` available (for a simulator: moves its clock past
    /// the time its files are published, and ``clock`` with it) and returns that business date.
    /// - Throws: ``ConformanceUnsupported`` when the bank has no statements. Default: throws it.
    func prepareStatement(containing payments: [PayRequest]) async throws -> BusinessDate

    /// How many lines at the start of a statement file a channel may leave unreported (a header line the
    /// batches do not carry). Default: 1.
    var statementHeaderLines: Int { get }
}

extension ConformanceBank {
    /// The system clock.
    public var clock: any ChannelClock { SystemChannelClock() }

    /// `ck` and 24 random lowercase hex digits.
    public func newTransactionId() -> String {
        "ck" + (0..<24).map { _ in String(UInt8.random(in: 0..<16), radix: 16) }.joined()
    }

    /// None.
    public var retrySafeCodes: Set<String> { [] }

    /// `nil`: delivered over HTTP.
    public func notification(for payment: PayRequest, outcome: ChannelOutcome) async throws -> InboundNotification? {
        nil
    }

    /// 15 seconds.
    public var notificationTimeout: Duration { .seconds(15) }

    /// No statements.
    public func prepareStatement(containing payments: [PayRequest]) async throws -> BusinessDate {
        throw ConformanceUnsupported("the bank driver offers no statements")
    }

    /// One header line.
    public var statementHeaderLines: Int { 1 }
}
