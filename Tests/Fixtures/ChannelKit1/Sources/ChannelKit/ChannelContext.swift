import Foundation

/// What the gateway hands a channel when it creates it: its configuration and the services it may use.
///
/// Every service is a protocol, so that a channel running in its own child process gets local
/// implementations of the same contract. A plugin opens no listeners and brings no network stack.
public struct ChannelContext: Sendable {
    /// The channel's configuration.
    public var configuration: ChannelConfiguration
    /// The gateway's HTTP client, with this channel's timeouts.
    public var transport: any HTTPTransport
    /// A logger tagged with the channel id.
    public var logger: any ChannelLogger
    /// The wall clock.
    public var clock: any ChannelClock
    /// The public URL the bank must send this channel's asynchronous notifications to.
    public var notifyURL: URL

    /// Creates a context.
    public init(
        configuration: ChannelConfiguration, transport: any HTTPTransport, logger: any ChannelLogger,
        clock: any ChannelClock, notifyURL: URL
    ) {
        self.configuration = configuration
        self.transport = transport
        self.logger = logger
        self.clock = clock
        self.notifyURL = notifyURL
    }
}
