import ChannelKit
import Metrics

/// Counts bank outcomes by their typed reason, so that ops (and the health breaker to come) can tell a
/// bank that declines from one that times out: `gateway_channel_outcomes_total{channel, operation, status,
/// reason}`, where `reason` is the decline reason or the pending cause (`none` for a success).
enum OutcomeMetrics {
    static func record(_ outcome: ChannelOutcome, channel: String, operation: String) {
        Counter(
            label: "gateway_channel_outcomes_total",
            dimensions: [
                ("channel", channel), ("operation", operation), ("status", outcome.status.rawValue),
                ("reason", reason(of: outcome) ?? "none"),
            ]
        ).increment()
    }

    /// The decline reason or pending cause as stored and shown: `not_sent`, `timeout`...
    static func reason(of outcome: ChannelOutcome) -> String? {
        outcome.declineReason?.rawValue ?? outcome.pendingCause?.rawValue
    }
}
