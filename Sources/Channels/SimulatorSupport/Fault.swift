/// A failure a bank simulator injects into one pay or refund request, chosen by a `[sim:NAME]` tag (pay
/// `subject`, refund `reason`) or drawn from the run's ``FaultPlan``. The raw value is the tag's and the plan's
/// `NAME`. The same modes for every bank; each simulator answers them in its own protocol (jiangnan-sim's codes
/// are in docs/SIMULATOR.md).
public enum Fault: String, CaseIterable, Sendable, Codable {
    /// Recorded, then the answer is held for `--timeout-delay-ms` before it is sent normally.
    case timeout
    /// Recorded, answered HTTP 500 `text/plain`.
    case serverError = "5xx"
    /// Nothing recorded, answered HTTP 503 `text/plain`.
    case serverErrorBefore = "5xx-before"
    /// Recorded, then the connection is reset (RST) without any HTTP response.
    case reset
    /// Recorded, answered HTTP 200 with a body that cannot be read (a truncated message).
    case malformed
    /// Recorded, answered normally but with a wrong signature.
    case badSignature = "bad-signature"
    /// The bank's "system busy" code for a new transaction, nothing recorded.
    case busy
    /// Pay only: processing, then success after `--processing-delay-ms`.
    case processing
    /// Pay only: answered normally; the notification is sent twice (two independent deliveries).
    case duplicateNotification = "dup-notify"
    /// Pay only: answered normally; the notification's first attempt waits `--late-notify-ms`.
    case lateNotification = "late-notify"
    /// Pay only: a refusal the bank's document marks "not processed, another channel may be tried" (Jiangnan's
    /// 2005), nothing recorded — a bank that does not take this payment, for the gateway's failover.
    case notSupported = "not-supported"

    /// The subject tag, e.g. `[sim:reset]`.
    public var tag: String { "[sim:\(rawValue)]" }

    /// Whether the fault means something for a refund (the others only apply to payments).
    public var appliesToRefunds: Bool {
        switch self {
        case .timeout, .serverError, .serverErrorBefore, .reset, .malformed, .badSignature, .busy: true
        case .processing, .duplicateNotification, .lateNotification, .notSupported: false
        }
    }

    /// The names, comma-separated, for help texts and error messages.
    public static let names = allCases.map(\.rawValue).joined(separator: ", ")

    /// Every fault's tag name.
    public static let nameSet = Set(allCases.map(\.rawValue))
}
