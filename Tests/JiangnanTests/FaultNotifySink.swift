import Foundation
import Hummingbird
import JiangnanProtocol
import Logging

/// A notification receiver on 127.0.0.1 for the fault tests: acknowledges every delivery with `0000` and keeps
/// each one's body and arrival time.
final class FaultNotifySink: Sendable {
    struct Delivery: Sendable {
        var body: Data
        var arrived: Date

        /// `data.out_trade_no` or `data.out_refund_no`.
        var transactionId: String? {
            let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
            let data = object?["data"] as? [String: Any]
            return (data?["out_refund_no"] ?? data?["out_trade_no"]) as? String
        }
    }

    actor Inbox {
        private var deliveries: [Delivery] = []
        func add(_ delivery: Delivery) { deliveries.append(delivery) }
        func all() -> [Delivery] { deliveries }
    }

    let inbox: Inbox
    let port: Int
    private let task: Task<Void, any Error>

    private init(port: Int, task: Task<Void, any Error>, inbox: Inbox) {
        self.port = port
        self.task = task
        self.inbox = inbox
    }

    var url: String { "http://127.0.0.1:\(port)/v1/notify/jiangnan" }

    static func start() async throws -> FaultNotifySink {
        let inbox = Inbox()
        let router = Router()
        router.post("/**") { request, _ -> Response in
            var request = request
            let body = Data(try await request.collectBody(upTo: 1 << 20).readableBytesView)
            await inbox.add(Delivery(body: body, arrived: Date()))
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: #"{"code":"0000","msg":"ok"}"#)))
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: Logger(label: "fault-notify-sink", factory: { _ in SwiftLogNoOpLogHandler() }))
        let task = Task { try await app.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            task.cancel()
            throw CancellationError()
        }
        return FaultNotifySink(port: port, task: task, inbox: inbox)
    }

    /// The deliveries about one transaction.
    func deliveries(of id: String) async -> [Delivery] {
        await inbox.all().filter { $0.transactionId == id }
    }

    func stop() {
        task.cancel()
    }
}
