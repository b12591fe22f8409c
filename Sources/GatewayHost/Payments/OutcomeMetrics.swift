import ChannelKit
import Metrics

/// Counts bank outcomes by their typed reason, so that ops (and the health breaker to come) can tell a
/// bank that declines from one that times out: `gateway_channel_outcomes_total{channel, operation, status,
/// reason}`, where `reason` is the decline reason or the pending cause (`none` for a success); and times
/// every bank call: `gateway_channel_call_duration_seconds{channel, operation}` (a histogram).
enum OutcomeMetrics {
    static func record(_ outcome: ChannelOutcome, channel: String, operation: String, duration: Duration? = nil) {
        if let duration {
            Metrics.Timer(
                label: "gateway_channel_call_duration_seconds", dimensions: [("channel", channel), ("operation", operation)]
            ).record(duration: duration)
        }
        Counter(
            label: "gateway_channel_outcomes_total",
            dimensions: [
                ("channel", channel), ("operation", operation), ("status", outcome.status.rawValue),
                ("reason", reason(of: outcome) ?? "none"),
            ]
        ).increment()
    }

    /// A recovery query: its answer's outcome, `not_found`, or `failed` (it threw).
    static func recordQuery(_ result: QueryResult?, channel: String, duration: Duration) {
        if let outcome = result?.outcome {
            return record(outcome, channel: channel, operation: "query", duration: duration)
        }
        Metrics.Timer(label: "gateway_channel_call_duration_seconds", dimensions: [("channel", channel), ("operation", "query")])
            .record(duration: duration)
        Counter(
            label: "gateway_channel_outcomes_total",
            dimensions: [
                ("channel", channel), ("operation", "query"), ("status", result == nil ? "failed" : "not_found"),
                ("reason", "none"),
            ]
        ).increment()
    }

    /// The decline reason or pending cause as stored and shown: `not_sent`, `timeout`...
    static func reason(of outcome: ChannelOutcome) -> String? {
        outcome.declineReason?.rawValue ?? outcome.pendingCause?.rawValue
    }
}
