/// A failure the simulator injects into one pay or refund request, chosen by a `[sim:NAME]` tag (pay `subject`,
/// refund `reason`) or drawn from the run's ``FaultPlan``. The raw value is the tag's and the plan's `NAME`.
enum Fault: String, CaseIterable, Sendable, Codable {
    /// Recorded, then the answer is held for `--timeout-delay-ms` before it is sent normally.
    case timeout
    /// Recorded, answered HTTP 500 `text/plain`.
    case serverError = "5xx"
    /// Nothing recorded, answered HTTP 503 `text/plain`.
    case serverErrorBefore = "5xx-before"
    /// Recorded, then the connection is reset (RST) without any HTTP response.
    case reset
    /// Recorded, answered HTTP 200 with a body that is not JSON (a truncated envelope).
    case malformed
    /// Recorded, answered normally but with a wrong `X-JN-Signature`.
    case badSignature = "bad-signature"
    /// Code 9998 for a new transaction, nothing recorded.
    case busy
    /// Pay only: `PROCESSING` (1001), then `SUCCESS` after `--processing-delay-ms`.
    case processing
    /// Pay only: answered normally; the notification is sent twice (two independent deliveries).
    case duplicateNotification = "dup-notify"
    /// Pay only: answered normally; the notification's first attempt waits `--late-notify-ms`.
    case lateNotification = "late-notify"
    /// Pay only: code 2005 (currency not supported: declined, not processed, another channel may be tried),
    /// nothing recorded — a bank that does not take this payment, for the gateway's failover.
    case notSupported = "not-supported"

    /// The subject tag, e.g. `[sim:reset]`.
    var tag: String { "[sim:\(rawValue)]" }

    /// Whether the fault means something for a refund (the others only apply to payments).
    var appliesToRefunds: Bool {
        switch self {
        case .timeout, .serverError, .serverErrorBefore, .reset, .malformed, .badSignature, .busy: true
        case .processing, .duplicateNotification, .lateNotification, .notSupported: false
        }
    }

    /// The names, comma-separated, for help texts and error messages.
    static let names = allCases.map(\.rawValue).joined(separator: ", ")

    /// Every fault's tag name.
    static let nameSet = Set(allCases.map(\.rawValue))
}
