/// The body of `POST /admin/channels/{id}/offline|online|retire`: why (kept, with who and when, as a comment
/// on the changed line of the channel's config file).
public struct AdminChannelChange: Codable, Sendable, Equatable {
    public var reason: String?

    public init(reason: String? = nil) {
        self.reason = reason
    }
}

/// The answer of `POST /admin/channels/{id}/offline|online|retire`: the channel after the change, and the file
/// written.
public struct AdminChannelChangeResult: Codable, Sendable, Equatable {
    public var channel: AdminChannel
    public var configFile: String
    public var changedBy: String
    /// When the change took effect in this gateway (RFC 3339 with milliseconds): payments pinned after it see it.
    public var changedAt: String

    public init(channel: AdminChannel, configFile: String, changedBy: String, changedAt: String) {
        self.channel = channel
        self.configFile = configFile
        self.changedBy = changedBy
        self.changedAt = changedAt
    }

    enum CodingKeys: String, CodingKey {
        case channel
        case configFile = "config_file"
        case changedBy = "changed_by"
        case changedAt = "changed_at"
    }
}

/// The answer of `POST /admin/config/reload`: what happened to each config file.
public struct AdminReloadReport: Codable, Sendable, Equatable {
    /// Files whose change was applied (a new channel, new settings, or only a flag).
    public var applied: [String]
    /// Files read and found as they were.
    public var unchanged: [String]
    /// Files deleted since the last reload (their channels are removed).
    public var removed: [String]
    /// Files refused, with line and key; their channels keep running on the settings before.
    public var rejected: [AdminConfigError]
    /// The merchants file changed (merchants added or removed, a secret rotated) and is now in force.
    public var merchantsChanged: Bool
    /// Why the merchants file is refused (the merchants before stay in force), while it is.
    public var merchantsError: String?

    public init(
        applied: [String], unchanged: [String], removed: [String], rejected: [AdminConfigError],
        merchantsChanged: Bool = false, merchantsError: String? = nil
    ) {
        self.applied = applied
        self.unchanged = unchanged
        self.removed = removed
        self.rejected = rejected
        self.merchantsChanged = merchantsChanged
        self.merchantsError = merchantsError
    }

    enum CodingKeys: String, CodingKey {
        case applied, unchanged, removed, rejected
        case merchantsChanged = "merchants_changed"
        case merchantsError = "merchants_error"
    }
}
