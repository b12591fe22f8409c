import ChannelKit
import Foundation

/// The suite's receiver of notifications a bank delivers over HTTP: a ``LoopbackHTTPServer`` started on first
/// use. Every delivery is handed to the channel last registered and answered with its reply (or 400 when the
/// channel refuses it), and kept for the checks.
final class NotificationInbox: @unchecked Sendable {
    struct Delivery: Sendable {
        var notification: InboundNotification
        var result: Result<NotificationResult, any Error>
    }

    private let clock: any ChannelClock
    private let lock = NSLock()
    private var server: LoopbackHTTPServer?
    private var channel: (any PaymentChannel)?
    private var deliveries: [Delivery] = []

    /// An inbox that stamps deliveries with `clock` (the channel's: `receivedAt` is the gateway's time).
    init(clock: any ChannelClock) {
        self.clock = clock
    }

    /// The notification URL for `channelId`, starting the server if needed.
    func url(for channelId: String) throws -> URL {
        try lock.withLock {
            if server == nil {
                server = try LoopbackHTTPServer { [weak self] request in
                    await self?.receive(request) ?? HTTPResponseMessage(status: 503)
                }
            }
            return server!.baseURL.appendingPathComponent("notify").appendingPathComponent(channelId)
        }
    }

    /// Hands later deliveries to `channel`.
    func register(_ channel: any PaymentChannel) {
        lock.withLock { self.channel = channel }
    }

    /// Every delivery so far.
    var received: [Delivery] { lock.withLock { deliveries } }

    func stop() {
        let server = lock.withLock {
            let server = self.server
            self.server = nil
            self.channel = nil
            return server
        }
        server?.stop()
    }

    private func receive(_ request: LoopbackHTTPServer.Request) async -> HTTPResponseMessage {
        let notification = request.notification(receivedAt: clock.now())
        guard let channel = lock.withLock({ self.channel }) else {
            lock.withLock { deliveries.append(Delivery(notification: notification, result: .failure(NoChannel()))) }
            return HTTPResponseMessage(status: 503)
        }
        do {
            let result = try await channel.handleNotification(notification)
            lock.withLock { deliveries.append(Delivery(notification: notification, result: .success(result))) }
            return result.reply
        } catch {
            lock.withLock { deliveries.append(Delivery(notification: notification, result: .failure(error))) }
            return HTTPResponseMessage(status: 400, headers: [HTTPHeaderField("Content-Type", "text/plain")], body: Data("refused".utf8))
        }
    }

    private struct NoChannel: Error {}
}
