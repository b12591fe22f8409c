import ChannelKit
import NIOConcurrencyHelpers

/// Creates one pooled transport per channel and remembers them, so they can be shut down at exit.
final class TransportRegistry: Sendable {
    private let created = NIOLockedValueBox<[GatewayHTTPTransport]>([])

    func make(_ timeouts: ChannelTimeouts) -> any HTTPTransport {
        let transport = GatewayHTTPTransport(timeouts: timeouts)
        created.withLockedValue { $0.append(transport) }
        return transport
    }

    var all: [GatewayHTTPTransport] { created.withLockedValue { $0 } }
}
