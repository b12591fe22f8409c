/// `GET /healthz`.
public struct AdminHealth: Codable, Sendable, Equatable {
    /// `ok` while the gateway serves.
    public var status: String
    /// The gateway's version.
    public var version: String
    /// The ChannelKit API version of the gateway.
    public var channelKitAPI: String

    public init(status: String, version: String, channelKitAPI: String) {
        self.status = status
        self.version = version
        self.channelKitAPI = channelKitAPI
    }

    enum CodingKeys: String, CodingKey {
        case status, version
        case channelKitAPI = "channelkit_api"
    }
}
