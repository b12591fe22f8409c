/// The outcome of a channel's start-up check of its credentials against its bank.
public struct SelfCheckResult: Hashable, Sendable, Codable {
    /// Whether the channel is usable.
    public var passed: Bool
    /// What was checked and what came back; free of secrets.
    public var detail: String

    /// The check passed.
    public static func passed(_ detail: String) -> SelfCheckResult { SelfCheckResult(passed: true, detail: detail) }
    /// The check failed: the channel is misconfigured.
    public static func failed(_ detail: String) -> SelfCheckResult { SelfCheckResult(passed: false, detail: detail) }
    /// The bank's protocol offers no way to check.
    public static var notAvailable: SelfCheckResult { SelfCheckResult(passed: true, detail: "no self-check available") }

    private init(passed: Bool, detail: String) {
        self.passed = passed
        self.detail = detail
    }
}
