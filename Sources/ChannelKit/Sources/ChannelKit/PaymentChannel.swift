import Foundation

/// A bank channel: one configured connection to one bank, created by a ``ChannelPlugin``.
///
/// Every operation is a plain async call on `Codable` values, so a channel can later run in a child process.
/// Bank answers are returned as outcomes, never thrown: `pay`, `refund` and `query` throw only for problems
/// on the gateway's side (``PaymentChannelError``), and only **before** sending (see its documentation for
/// what the gateway makes of a throw). A timeout or any ambiguous answer is ``ChannelOutcome/Status/pending``.
///
/// Only `pay`, `refund` and `query` are required. A bank without statements (``PluginManifest/statements``
/// `nil`) or notifications (``PluginCapabilities/notifications`` false) leaves those methods to the defaults,
/// which the gateway never calls; a bank without a way to check credentials leaves `selfCheck` to the default
/// ``SelfCheckResult/Status/notChecked``.
public protocol PaymentChannel: Sendable {
    /// Asks the bank to charge. Must be safe to call again with the same request (the bank dedupes by id).
    func pay(_ request: PayRequest) async throws -> ChannelOutcome

    /// Asks the bank to refund (part of) a succeeded payment.
    func refund(_ request: RefundRequest) async throws -> ChannelOutcome

    /// Asks the bank for the current state of a payment or refund.
    func query(_ request: QueryRequest) async throws -> QueryResult

    /// Downloads the bank's statement for a business date into `request.destination`.
    /// - Throws: ``PaymentChannelError`` with ``PaymentChannelError/Code/statementNotReady`` when the bank has
    ///   none yet.
    func downloadStatement(_ request: StatementRequest) async throws -> StatementFile

    /// Parses a downloaded statement file into batches of about `batchSize` records. Every line is
    /// accounted for: a record, an issue, the header or the trailer. Records in any ISO 4217 currency are
    /// reported as they are: judging the currency is reconciliation's job.
    func parseStatement(_ file: StatementFile, batchSize: Int) -> AsyncThrowingStream<StatementBatch, any Error>

    /// Verifies and parses the bank's asynchronous notification.
    /// - Throws: ``PaymentChannelError`` with ``PaymentChannelError/Code/notificationRejected`` when it cannot be
    ///   trusted, or ``PaymentChannelError/Code/unsupported`` when the bank sends none (the default).
    func handleNotification(_ notification: InboundNotification) async throws -> NotificationResult

    /// Checks the channel's credentials against its bank, where the protocol allows it.
    func selfCheck() async -> SelfCheckResult
}

extension PaymentChannel {
    /// Default: the bank has no statements.
    public func downloadStatement(_ request: StatementRequest) async throws -> StatementFile {
        throw PaymentChannelError(.unsupported, "this channel's bank offers no statements")
    }

    /// Default: the bank has no statements; the stream ends at once with ``PaymentChannelError/Code/unsupported``.
    public func parseStatement(_ file: StatementFile, batchSize: Int) -> AsyncThrowingStream<StatementBatch, any Error> {
        AsyncThrowingStream { $0.finish(throwing: PaymentChannelError(.unsupported, "this channel's bank offers no statements")) }
    }

    /// Default: the bank sends no notifications.
    public func handleNotification(_ notification: InboundNotification) async throws -> NotificationResult {
        throw PaymentChannelError(.unsupported, "this channel does not receive notifications")
    }

    /// Default: nothing is checked (shown to ops as "not checked").
    public func selfCheck() async -> SelfCheckResult { .notChecked("this channel has no self-check") }
}
