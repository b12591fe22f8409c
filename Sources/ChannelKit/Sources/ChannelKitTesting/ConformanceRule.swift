/// One rule of the ChannelKit contract that ``ConformanceSuite`` checks. Each rule has a stable id (its raw
/// value, e.g. `timeout-is-pending`) that failures and reports name; docs/CONFORMANCE.md describes each one.
///
/// Every rule can be checked on its own: `try await suite.check(.timeoutIsPending)`.
public enum ConformanceRule: String, Hashable, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// The manifest is consistent: id and version format, currencies (ISO 4217, sane bounds), the finality
    /// window, declared settings and credentials (the bank's configuration with only those is accepted, one
    /// without a required one refused with `invalid_configuration`), statements and notifications declared
    /// exactly when implemented.
    case manifestConsistent = "manifest-consistent"
    /// An approved payment succeeds with the amount asked, a declined one is declined, and a query of each
    /// afterwards reports the same state.
    case payThenQueryAgree = "pay-then-query-agree"
    /// A timeout after the bank received the request is pending, never declined.
    case timeoutIsPending = "timeout-is-pending"
    /// A connection lost after the request was sent is pending, never declined.
    case connectionLostIsPending = "connection-lost-is-pending"
    /// An HTTP 5xx answer is pending, never declined.
    case serverErrorIsPending = "server-error-is-pending"
    /// An answer that cannot be verified (corrupted bytes, a truncated body, another transaction's id) is
    /// pending; so is a query answer for another amount than expected.
    case unverifiableIsPending = "unverifiable-is-pending"
    /// The bank's "busy" answer is pending, never declined.
    case busyIsPending = "busy-is-pending"
    /// The bank's "processing" answer is pending, never declined.
    case processingIsPending = "processing-is-pending"
    /// A "not processed" decline (``ChannelKit/DeclineReason/provesNotProcessed``) only when nothing was sent
    /// or the bank answered one of its declared retry-safe codes; a request the transport could not send at all
    /// is declined `not_sent`.
    case notProcessedJustified = "not-processed-justified"
    /// The request's transaction id goes over the wire unchanged, and a retry of the same request sends the
    /// same id (so the bank dedupes it) and charges once.
    case transactionIdUnchanged = "transaction-id-unchanged"
    /// Refunds succeed with the amounts asked, queries of them agree, and together they add up to the payment.
    case refundsAddUp = "refunds-add-up"
    /// A refund beyond what remains of the payment is declined: not pending, not succeeded.
    case overRefundDeclined = "over-refund-declined"
    /// The day's statement downloads and parses, and every line is accounted for: a record, an issue, the
    /// header or the trailer (line numbers complete, none twice).
    case statementLinesAccounted = "statement-lines-accounted"
    /// The statement's records match the payments made: each succeeded payment appears once with its amount.
    case statementMatchesPayments = "statement-matches-payments"
    /// A genuine notification is accepted and reports its transaction; the same one tampered with by the kit
    /// is refused with `notification_rejected`.
    case notificationVerified = "notification-verified"
    /// No credential value (nor its hex or base64 form) reaches the channel's logs, errors, outcomes or
    /// bank messages.
    case noCredentialLeak = "no-credential-leak"

    /// The stable id, e.g. `timeout-is-pending`.
    public var id: String { rawValue }

    /// The stable id.
    public var description: String { rawValue }

    /// A one-line statement of the rule.
    public var summary: String {
        switch self {
        case .manifestConsistent: "the manifest is consistent and the configuration it declares is enforced"
        case .payThenQueryAgree: "pay and a later query agree"
        case .timeoutIsPending: "a timeout after sending is pending, never declined"
        case .connectionLostIsPending: "a connection lost after sending is pending, never declined"
        case .serverErrorIsPending: "an HTTP 5xx is pending, never declined"
        case .unverifiableIsPending: "an unverifiable or mismatching answer is pending, never declined or succeeded"
        case .busyIsPending: "a busy answer is pending, never declined"
        case .processingIsPending: "a processing answer is pending, never declined"
        case .notProcessedJustified: "not processed only when nothing was sent or a declared retry-safe code says so"
        case .transactionIdUnchanged: "the transaction id is sent unchanged, and a retry sends the same id"
        case .refundsAddUp: "refunds succeed with their amounts and add up"
        case .overRefundDeclined: "an over-refund is declined"
        case .statementLinesAccounted: "the statement parses and every line is accounted for"
        case .statementMatchesPayments: "the statement's records match the payments made"
        case .notificationVerified: "a genuine notification is accepted and a tampered one refused"
        case .noCredentialLeak: "no credential reaches logs, errors or outcomes"
        }
    }
}
