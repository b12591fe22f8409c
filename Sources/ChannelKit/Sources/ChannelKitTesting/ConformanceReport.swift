/// The result of one rule in a ``ConformanceReport``.
public enum ConformanceResult: Hashable, Sendable, Codable {
    /// The channel kept the rule.
    case passed
    /// The channel broke the rule.
    case failed(ConformanceFailure)
    /// The rule could not be checked against this bank (it has no statements, sends no notifications, cannot
    /// produce a behaviour the rule needs), with the reason.
    case skipped(String)
}

/// What ``ConformanceSuite/runAll(_:)`` found, rule by rule, in the order checked.
///
/// Its `description` lists every rule with `PASS`, `FAIL` (and the failure) or `SKIP` (and the reason), so
/// `#expect(report.failures.isEmpty, "\(report)")` shows the whole run.
public struct ConformanceReport: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The plugin checked (its manifest id and version).
    public var plugin: String
    /// Each rule checked and its result, in order.
    public var results: [Entry]

    /// One rule and its result.
    public struct Entry: Hashable, Sendable, Codable {
        /// The rule.
        public var rule: ConformanceRule
        /// Its result.
        public var result: ConformanceResult
        /// How long the check took, in milliseconds.
        public var milliseconds: Int

        /// Creates an entry.
        public init(rule: ConformanceRule, result: ConformanceResult, milliseconds: Int) {
            self.rule = rule
            self.result = result
            self.milliseconds = milliseconds
        }
    }

    /// Creates a report.
    public init(plugin: String, results: [Entry]) {
        self.plugin = plugin
        self.results = results
    }

    /// The rules broken.
    public var failures: [ConformanceFailure] {
        results.compactMap { if case .failed(let failure) = $0.result { failure } else { nil } }
    }

    /// The rules kept.
    public var passed: [ConformanceRule] {
        results.compactMap { if case .passed = $0.result { $0.rule } else { nil } }
    }

    /// The rules not checked, with the reason.
    public var skipped: [(rule: ConformanceRule, reason: String)] {
        results.compactMap { if case .skipped(let reason) = $0.result { ($0.rule, reason) } else { nil } }
    }

    /// The result of `rule`, if it was checked.
    public func result(of rule: ConformanceRule) -> ConformanceResult? { results.first { $0.rule == rule }?.result }

    /// One line per rule.
    public var description: String {
        var lines = ["conformance of \(plugin): \(passed.count) passed, \(failures.count) failed, \(skipped.count) skipped"]
        for entry in results {
            switch entry.result {
            case .passed: lines.append("  PASS \(entry.rule.rawValue) (\(entry.milliseconds) ms)")
            case .failed(let failure): lines.append("  FAIL \(failure)")
            case .skipped(let reason): lines.append("  SKIP \(entry.rule.rawValue): \(reason)")
            }
        }
        return lines.joined(separator: "\n")
    }
}
