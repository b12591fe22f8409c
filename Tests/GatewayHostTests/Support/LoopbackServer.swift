import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// A real HTTP server on 127.0.0.1 run inside the test process (a webhook endpoint, a test bank): its service
/// group and the task running it.
struct LoopbackServer: Sendable {
    let group: ServiceGroup
    let task: Task<Void, any Error>

    /// Shuts the server down gracefully (answered requests finish) and waits for it.
    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }

    /// Binds `port` (0: any free one) on 127.0.0.1 and serves `handler` until stopped; returns the port bound.
    static func listen(
        port: Int, label: String, _ handler: @escaping @Sendable (Request) async throws -> Response
    ) async throws -> (LoopbackServer, Int) {
        var logger = Logger(label: label)
        logger.logLevel = .warning
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let application = Application(
            responder: CallbackResponder<BasicRequestContext> { request, _ in try await handler(request) },
            configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? -1)
                continuation.finish()
            },
            logger: logger)
        let group = ServiceGroup(configuration: .init(services: [application], logger: logger))
        let task = Task {
            defer { continuation.finish() }
            try await group.run()
        }
        for await bound in ports where bound > 0 {
            return (LoopbackServer(group: group, task: task), bound)
        }
        // The server stopped (or never bound) before it was running: report why.
        task.cancel()
        let failure: String
        do {
            try await task.value
            failure = "it stopped"
        } catch {
            failure = "\(error)"
        }
        throw HarnessError("\(label): cannot listen on 127.0.0.1:\(port): \(failure)")
    }
}
