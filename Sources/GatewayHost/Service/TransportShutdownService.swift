import ServiceLifecycle

/// Keeps the channels' HTTP clients alive while the gateway runs and shuts them down last.
struct TransportShutdownService: Service {
    var transports: [GatewayHTTPTransport]

    func run() async throws {
        try? await gracefulShutdown()
        for transport in transports { await transport.shutdown() }
    }
}
