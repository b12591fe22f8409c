import Hummingbird
import NIOCore

/// Request context that remembers the connection: its peer address, so the control API can refuse
/// non-loopback callers, and its channel, so a `[sim:reset]` fault can abort it.
public struct SimRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connected peer.
    public let remoteAddress: SocketAddress?
    /// The connection the request came on.
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
        self.channel = source.channel
    }

    /// Whether the peer is on the loopback interface (127.0.0.0/8 or ::1).
    public var isLoopbackPeer: Bool {
        guard let address = remoteAddress?.ipAddress else { return false }
        return address.hasPrefix("127.") || address == "::1" || address.hasPrefix("::ffff:127.")
    }
}
