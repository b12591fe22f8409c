import Prometheus
import Synchronization

/// The channel and plugin gauges of `/metrics`, set from the registry at each scrape (so they never lag a
/// reload): `gateway_channel_online{channel}` (1 takes new payments by config, 0 offline or retired),
/// `gateway_channel_state{channel, state}` (1 for its current state), `gateway_channel_in_flight{channel}` (bank
/// calls on its current instance), `gateway_channel_breaker_state{channel, state}`, `gateway_channel_degraded{channel}`
/// and `gateway_channel_breaker_trips{channel}` (its circuit breaker), `gateway_plugin_state{file, plugin, version, state}` (1). Gauges of a channel
/// or plugin file that is gone are removed. Bank calls themselves are counted as they happen
/// (`gateway_channel_outcomes_total`, `gateway_channel_call_duration_seconds`: `OutcomeMetrics`).
final class ChannelMetrics: Sendable {
    private let prometheus: PrometheusCollectorRegistry
    private let gauges = Mutex<[String: Gauge]>([:])

    init(prometheus: PrometheusCollectorRegistry) {
        self.prometheus = prometheus
    }

    static let help = [
        "gateway_channel_online": "1 when the channel takes new payments by config, 0 when offline or retired",
        "gateway_channel_in_flight": "bank calls in flight on the channel's current instance",
        "gateway_channel_state": "1 for the channel's current state",
        "gateway_plugin_state": "1 for each plugin file, labelled with its state",
        "gateway_channel_breaker_state": "1 for the channel's circuit breaker state (closed, open, half_open)",
        "gateway_channel_degraded": "1 while the channel's breaker refuses new payments (open or forced open)",
        "gateway_channel_breaker_trips": "times the channel's breaker opened since the gateway started",
    ]

    func refresh(from registry: ChannelRegistry) {
        let snapshot = registry.snapshot
        var values: [(name: String, labels: [(String, String)], value: Double)] = []
        for entry in snapshot.channels.values {
            values.append(("gateway_channel_online", [("channel", entry.id)], entry.online && !entry.retired ? 1 : 0))
            values.append(("gateway_channel_in_flight", [("channel", entry.id)], Double(entry.instance?.inFlight ?? 0)))
            for state in ["ready", "misconfigured", "failed", "stopped"] {
                values.append(("gateway_channel_state", [("channel", entry.id), ("state", state)], entry.state.rawValue == state ? 1 : 0))
            }
            let breaker = registry.breakers.view(entry.id)
            for phase in [ChannelBreakers.Phase.closed, .open, .halfOpen] {
                values.append(
                    ("gateway_channel_breaker_state", [("channel", entry.id), ("state", phase.rawValue)], breaker.phase == phase ? 1 : 0))
            }
            values.append(("gateway_channel_degraded", [("channel", entry.id)], breaker.refusesPayments ? 1 : 0))
            values.append(("gateway_channel_breaker_trips", [("channel", entry.id)], Double(breaker.trips)))
        }
        for record in snapshot.plugins {
            let loaded = record.loaded?.manifest
            let failure: (id: String?, version: String?) = {
                if case .failed(let failure, _) = record.state { return (failure.pluginId, failure.pluginVersion) }
                return (nil, nil)
            }()
            values.append(
                ("gateway_plugin_state",
                 [("file", record.fileName), ("plugin", loaded?.id ?? failure.id ?? ""),
                  ("version", loaded?.version ?? failure.version ?? ""), ("state", record.state.name.rawValue)], 1))
        }
        gauges.withLock { gauges in
            var current: Set<String> = []
            for value in values {
                let key = value.name + "|" + value.labels.map { "\($0.0)=\($0.1)" }.joined(separator: ",")
                current.insert(key)
                let gauge =
                    gauges[key]
                    ?? prometheus.makeGauge(
                        descriptor: MetricNameDescriptor(
                            metricName: value.name, unitName: "", helpText: Self.help[value.name] ?? ""),
                        labels: value.labels)
                gauges[key] = gauge
                gauge.set(value.value)
            }
            for (key, gauge) in gauges where !current.contains(key) {
                prometheus.unregisterGauge(gauge)
                gauges[key] = nil
            }
        }
    }
}
