/// The outcome of a channel's check of its credentials against its bank.
///
/// Three states, all visible to ops (`gatewayctl channels`): ``Status/passed``, ``Status/failed`` (the channel
/// is misconfigured and the gateway checks it again periodically) and ``Status/notChecked`` (the bank's
/// protocol offers no way to check; the channel serves, and ops see that nothing was verified).
public struct SelfCheckResult: Hashable, Sendable, Codable {
    /// What the check found. Frozen: these three states are the contract.
    @frozen
    public enum Status: String, Hashable, Sendable, Codable {
        /// The bank accepted our credentials and we verified its answer.
        case passed
        /// The check failed: the channel is misconfigured (or its bank unreachable).
        case failed
        /// Nothing was checked: the bank offers no way to (or the plugin implements none).
        case notChecked = "not_checked"
    }

    /// What the check found.
    public var status: Status
    /// What was checked and what came back; free of secrets.
    public var detail: String

    /// The check passed.
    public static func passed(_ detail: String) -> SelfCheckResult { SelfCheckResult(status: .passed, detail: detail) }
    /// The check failed: the channel is misconfigured.
    public static func failed(_ detail: String) -> SelfCheckResult { SelfCheckResult(status: .failed, detail: detail) }
    /// Nothing was checked, and why.
    public static func notChecked(_ detail: String) -> SelfCheckResult {
        SelfCheckResult(status: .notChecked, detail: detail)
    }

    /// True unless the check failed: a channel that was not checked still serves.
    public var allowsTraffic: Bool { status != .failed }

    private init(status: Status, detail: String) {
        self.status = status
        self.detail = detail
    }
}
