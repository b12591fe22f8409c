import Foundation

/// A bank channel: one configured connection to one bank, created by a ``ChannelPlugin``.
///
/// Every operation is a plain async call on `Codable` values, so a channel can later run in a child process.
/// Bank answers are returned as outcomes, never thrown: `pay`, `refund` and `query` throw only for problems
/// on the gateway's side (``ChannelError``). A timeout or any ambiguous answer is ``ChannelOutcome/Status/pending``.
public protocol PaymentChannel: Sendable {
    /// Asks the bank to charge. Must be safe to call again with the same request (the bank dedupes by id).
    func pay(_ request: PayRequest) async throws -> ChannelOutcome

    /// Asks the bank to refund (part of) a succeeded payment.
    func refund(_ request: RefundRequest) async throws -> ChannelOutcome

    /// Asks the bank for the current state of a payment or refund.
    func query(_ request: QueryRequest) async throws -> QueryResult

    /// Downloads the bank's statement for a business date into `request.destination`.
    /// - Throws: ``ChannelError`` with ``ChannelError/Code/statementNotReady`` when the bank has none yet.
    func downloadStatement(_ request: StatementRequest) async throws -> StatementFile

    /// Parses a downloaded statement file into batches of about `batchSize` records. Every line is
    /// accounted for: a record, an issue, the header or the trailer.
    func parseStatement(_ file: StatementFile, batchSize: Int) -> AsyncThrowingStream<StatementBatch, any Error>

    /// Verifies and parses the bank's asynchronous notification.
    /// - Throws: ``ChannelError`` with ``ChannelError/Code/notificationRejected`` when it cannot be trusted, or
    ///   ``ChannelError/Code/unsupported`` when the bank sends none (the default).
    func handleNotification(_ notification: InboundNotification) async throws -> NotificationResult

    /// Checks the channel's credentials against its bank, where the protocol allows it.
    func selfCheck() async -> SelfCheckResult
}

extension PaymentChannel {
    /// Default: the bank sends no notifications.
    public func handleNotification(_ notification: InboundNotification) async throws -> NotificationResult {
        throw ChannelError(.unsupported, "this channel does not receive notifications")
    }

    /// Default: nothing to check.
    public func selfCheck() async -> SelfCheckResult { .notAvailable }
}
