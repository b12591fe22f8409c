import Foundation

/// The result of one run, and its two renderings: a human summary and one JSON object.
struct LoadReport: Sendable, Equatable {
    /// Closed loop (fixed concurrency) or open loop (constant offered rate).
    enum Mode: String, Sendable {
        case closed
        case open
    }

    var target: String
    var mode: Mode
    /// Concurrent requests, one connection each.
    var connections: Int
    /// Offered requests per second (open loop only).
    var rate: Double?
    /// Warmup before measuring, in seconds.
    var warmupSeconds: Double
    /// The measured window, from the start of measuring to the last measured answer, in seconds.
    var durationSeconds: Double
    /// Measured requests: successes plus errors (dropped requests included).
    var requests: Int
    var successes: Int
    /// Successful requests by the payment status they carried.
    var successesByStatus: [String: Int]
    var errors: Int
    var errorsByKind: [String: Int]
    /// Successful requests per second of the measured window.
    var throughputRps: Double
    /// Latency of the requests sent, in milliseconds (open loop: from the intended send time).
    var latency: LatencySummary

    init(
        target: String, mode: Mode, connections: Int, rate: Double?, warmupSeconds: Double, durationSeconds: Double,
        statistics: LoadStatistics
    ) {
        self.target = target
        self.mode = mode
        self.connections = connections
        self.rate = rate
        self.warmupSeconds = warmupSeconds
        self.durationSeconds = durationSeconds
        requests = statistics.requests
        successes = statistics.successes
        successesByStatus = statistics.successesByDetail
        errors = statistics.errors
        errorsByKind = statistics.errorsByKind
        throughputRps = durationSeconds > 0 ? Double(statistics.successes) / durationSeconds : 0
        latency = statistics.latencySummary
    }

    /// 0 when at least one request succeeded, 2 when every request failed (or none was measured).
    var exitCode: Int32 { successes > 0 ? 0 : 2 }

    // MARK: Human summary

    /// A few aligned lines for a terminal.
    var text: String {
        var header = "loadgen: \(target), "
        switch mode {
        case .closed: header += "closed loop, \(connections) connections"
        case .open: header += "open loop at \(Self.number(rate ?? 0)) req/s offered, \(connections) connections"
        }
        header += ", \(Self.fixed(durationSeconds, 2)) s measured after \(Self.fixed(warmupSeconds, 1)) s warmup"
        var lines = [header]
        lines.append("  requests    \(requests)  (\(successes) ok, \(errors) errors)")
        if !successesByStatus.isEmpty {
            lines.append("  ok by status  \(Self.tally(successesByStatus))")
        }
        if !errorsByKind.isEmpty {
            lines.append("  errors      \(Self.tally(errorsByKind))")
        }
        lines.append("  throughput  \(Self.fixed(throughputRps, 1)) req/s (successful)")
        lines.append(
            "  latency ms  p50 \(Self.fixed(latency.p50, 3))  p90 \(Self.fixed(latency.p90, 3))  "
                + "p99 \(Self.fixed(latency.p99, 3))  p99.9 \(Self.fixed(latency.p999, 3))  "
                + "max \(Self.fixed(latency.max, 3))"
                + (mode == .open ? "  (from intended send time)" : ""))
        return lines.joined(separator: "\n")
    }

    // MARK: JSON

    /// One JSON object on one line; keys in a fixed order, counts sorted by key.
    var json: String {
        let fields: [(String, String)] = [
            ("target", Self.quoted(target)),
            ("mode", Self.quoted(mode.rawValue)),
            ("connections", String(connections)),
            ("rate", rate.map(Self.number) ?? "null"),
            ("warmup_s", Self.fixed(warmupSeconds, 3)),
            ("duration_s", Self.fixed(durationSeconds, 3)),
            ("requests", String(requests)),
            ("successes", String(successes)),
            ("successes_by_status", Self.object(successesByStatus.mapValues(String.init))),
            ("errors", String(errors)),
            ("errors_by_kind", Self.object(errorsByKind.mapValues(String.init))),
            ("throughput_rps", Self.fixed(throughputRps, 1)),
            (
                "latency_ms",
                Self.object(
                    [
                        ("p50", latency.p50), ("p90", latency.p90), ("p99", latency.p99), ("p999", latency.p999),
                        ("max", latency.max),
                    ].map { ($0.0, Self.fixed($0.1, 3)) })
            ),
        ]
        return Self.object(fields)
    }

    // MARK: Formatting helpers

    /// `value` with exactly `places` decimals (POSIX formatting, never a comma).
    static func fixed(_ value: Double, _ places: Int) -> String {
        String(format: "%.\(places)f", value.isFinite ? value : 0)
    }

    /// An integer-valued number without decimals, anything else in its shortest form.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    /// `a: 1, b: 2`, sorted by key.
    static func tally(_ counts: [String: Int]) -> String {
        counts.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
    }

    /// A JSON object of already-encoded values, keys sorted.
    static func object(_ values: [String: String]) -> String {
        object(values.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }

    /// A JSON object of already-encoded values, keys in the given order.
    static func object(_ fields: [(String, String)]) -> String {
        "{" + fields.map { "\(quoted($0.0)):\($0.1)" }.joined(separator: ",") + "}"
    }

    /// A JSON string literal.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20: out += String(format: "\\u%04x", c.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
