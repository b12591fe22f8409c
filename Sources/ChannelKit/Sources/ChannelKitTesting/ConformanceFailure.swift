/// A broken rule: the rule's stable id and what the channel did.
///
/// Its `description` is `rule-id: message`, e.g.
/// `timeout-is-pending: a timeout after the request was sent was reported declined (bank code 9999)`.
public struct ConformanceFailure: Error, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The rule broken.
    public var rule: ConformanceRule
    /// What the channel did, free of credentials.
    public var message: String

    /// Creates a failure.
    public init(_ rule: ConformanceRule, _ message: String) {
        self.rule = rule
        self.message = message
    }

    /// `rule-id: message`.
    public var description: String { "\(rule.rawValue): \(message)" }
}

/// The bank driver cannot arrange what a check needs (a behaviour the bank has no way to produce, no
/// statements, no notifications): the check is skipped, not failed. Thrown by ``ConformanceBank`` methods.
public struct ConformanceUnsupported: Error, Hashable, Sendable, CustomStringConvertible {
    /// Why the check cannot run against this bank.
    public var reason: String

    /// Creates the error.
    public init(_ reason: String) { self.reason = reason }

    /// The reason.
    public var description: String { reason }
}
