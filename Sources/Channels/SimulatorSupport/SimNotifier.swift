import AsyncHTTPClient
import Logging
import NIOCore

/// Delivers a simulated bank's notifications with the bank's retry schedule. Every attempt is one job of the
/// ``JobScheduler`` (a waiting retry is a heap entry, not a sleeping task), so tens of thousands of failing
/// notifications cost memory for their entries only.
public struct SimNotifier: Sendable {
    /// One notification to deliver.
    public struct Delivery: Sendable {
        /// `pay` or `refund`, for the record.
        public var kind: String
        /// The caller's id of the transaction it reports.
        public var transactionId: String
        public var url: String
        /// Builds one attempt's request (called per attempt, so a signed timestamp is fresh): headers and body.
        public var makeRequest: @Sendable () -> (headers: [(String, String)], body: [UInt8])
        /// Whether the merchant's answer (HTTP status, body) acknowledges it as the bank's document requires.
        public var isAcknowledged: @Sendable (Int, [UInt8]) -> Bool

        public init(
            kind: String, transactionId: String, url: String,
            makeRequest: @escaping @Sendable () -> (headers: [(String, String)], body: [UInt8]),
            isAcknowledged: @escaping @Sendable (Int, [UInt8]) -> Bool
        ) {
            self.kind = kind
            self.transactionId = transactionId
            self.url = url
            self.makeRequest = makeRequest
            self.isAcknowledged = isAcknowledged
        }
    }

    let client: HTTPClient
    let scheduler: JobScheduler
    let clock: SimulatorClock
    /// Records each attempt (a ``SimBook``'s log, or a simulator's own record).
    let log: @Sendable (SimRecord.Notification) async -> Void
    let faults: FaultInjector
    /// Seconds before retry n (the last repeats); the bank's document gives the production schedule.
    let retryDelays: [Double]
    /// Attempts in all, the first included.
    let attempts: Int
    let logger: Logger

    /// A notifier whose attempts go into `book`'s record.
    public init(
        client: HTTPClient, scheduler: JobScheduler, clock: SimulatorClock, book: SimBook, faults: FaultInjector,
        retryDelays: [Double], attempts: Int, logger: Logger
    ) {
        self.init(
            client: client, scheduler: scheduler, clock: clock, faults: faults, retryDelays: retryDelays,
            attempts: attempts, logger: logger, log: { await book.log($0) })
    }

    /// A notifier whose attempts are recorded by `log`.
    public init(
        client: HTTPClient, scheduler: JobScheduler, clock: SimulatorClock, faults: FaultInjector, retryDelays: [Double],
        attempts: Int, logger: Logger, log: @escaping @Sendable (SimRecord.Notification) async -> Void
    ) {
        self.client = client
        self.scheduler = scheduler
        self.clock = clock
        self.log = log
        self.faults = faults
        self.retryDelays = retryDelays
        self.attempts = max(1, attempts)
        self.logger = logger
    }

    /// Schedules the first attempt after `delayMilliseconds`; `copies` > 1 delivers it that many times
    /// (a `dup-notify` fault).
    public func send(_ delivery: Delivery, copies: Int = 1, delayMilliseconds: Int = 0) {
        scheduler.schedule(after: .milliseconds(max(0, delayMilliseconds))) {
            await attempt(delivery, number: 1, copies: copies)
        }
    }

    private func attempt(_ delivery: Delivery, number: Int, copies: Int) async {
        let (status, delivered, failure) = await deliver(delivery)
        if Task.isCancelled { return }
        await log(
            SimRecord.Notification(
                kind: delivery.kind, transaction_id: delivery.transactionId, url: delivery.url, attempt: number,
                http_status: status, delivered: delivered, at: clock.nowMilliseconds, error: failure))
        logger.info(
            "notification attempt",
            metadata: [
                "kind": "\(delivery.kind)", "id": "\(delivery.transactionId)", "attempt": "\(number)",
                "http_status": "\(status.map(String.init) ?? "-")", "delivered": "\(delivered)",
            ])
        if number == 1, copies > 1 { send(delivery, copies: copies - 1) }
        if delivered { return }
        guard number < attempts else {
            logger.warning("notification given up", metadata: ["kind": "\(delivery.kind)", "id": "\(delivery.transactionId)"])
            return
        }
        let delay = retryDelays.isEmpty ? 0 : retryDelays[min(number - 1, retryDelays.count - 1)]
        scheduler.schedule(after: .milliseconds(Int64((max(0, delay) * 1000).rounded()))) {
            await attempt(delivery, number: number + 1, copies: 1)
        }
    }

    private func deliver(_ delivery: Delivery) async -> (Int?, Bool, String?) {
        if faults.isNotifyUnavailable { return (nil, false, "notify_unavailable: not sent") }
        let (headers, body) = delivery.makeRequest()
        var request = HTTPClientRequest(url: delivery.url)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await client.execute(request, timeout: .seconds(10))
            let answer = try await response.body.collect(upTo: 1 << 20)
            let status = Int(response.status.code)
            return (status, delivery.isAcknowledged(status, Array(answer.readableBytesView)), nil)
        } catch {
            return (nil, false, String(describing: error))
        }
    }
}
