/// The one classic adapter bug a fixture product switches on (`none`: the correct channel).
public enum FixtureBug: String, Sendable, CaseIterable {
    /// The correct channel.
    case none
    /// A transport timeout is reported declined (breaks `timeout-is-pending`).
    case timeoutDeclined
    /// The bank's busy code 91 is reported declined (breaks `busy-is-pending`).
    case busyDeclined
    /// A succeeded refund reports the payment's whole amount instead of the refund's (breaks `refunds-add-up`).
    case wrongRefundTotals
    /// The statement parser skips the bank's `#` note lines without reporting them (breaks
    /// `statement-lines-accounted`).
    case dropsStatementLine
    /// Notifications are parsed without checking their signature (breaks `notification-verified`).
    case unverifiedNotification
    /// The signing secret is logged at debug level (breaks `no-credential-leak`).
    case logsSecret
    /// The transaction id is sent with a `GW` prefix, stripped again from answers (breaks
    /// `transaction-id-unchanged`).
    case rewritesId
}
