import ArgumentParser
import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import MinbeiProtocol
import NIOCore
import SimulatorSupport

/// `minbei-sim`: a faithful simulator of the Minbei Rural Credit Union merchant acquiring interface v3.1.
@main
struct MinbeiSimulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "minbei-sim",
        abstract: "Simulates the Minbei Rural Credit Union acquiring interface (form post, v3.1) for tests and demos.",
        discussion: """
            GBK form posts to POST /acq/gateway.do, MD5 signed both ways with the
            merchant's key. A tag in a pay request's subject picks what happens to a new
            payment (the first scenario tag and the first fault tag apply; a tagged
            request draws no --faults fault):
              [sim:insufficient-funds], [sim:frozen]  F, resp_code 51 / 05
              [sim:busy], [sim:error]   91 / 96, nothing recorded
              [sim:processing]          09, S after --processing-delay-ms
              [sim:slow]                00, answered after --slow-response-ms
            Faults, also as a tag in a refund's reason (but for the last three):
              [sim:timeout]             recorded, answered after --timeout-delay-ms
              [sim:5xx]                 recorded, HTTP 500 text/plain
              [sim:5xx-before]          nothing recorded, HTTP 503 text/plain
              [sim:reset]               recorded, connection reset, no answer
              [sim:malformed]           recorded, HTTP 200, body not a form
              [sim:bad-signature]       recorded, wrong sign
              [sim:busy]                91, nothing recorded
              [sim:dup-notify]          notification delivered twice (pay only)
              [sim:late-notify]         notification after --late-notify-ms (pay only)
              [sim:not-supported]       61, nothing recorded (pay only; another channel may be tried)
            A pay or refund number seen before is answered 94. Control API (loopback
            only): GET /_sim/record, GET|POST /_sim/clock, GET|PUT /_sim/faults.
            See docs/SIMULATOR.md.
            """)

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free port.")
    var port = 9200

    @Option(name: .customLong("merchant"), help: "A merchant number and its MD5 key, MER_ID=KEY (repeatable).")
    var merchants: [String] = []

    @Option(help: "Write {\"event\":\"listening\",\"host\":…,\"port\":N} here (atomically) once listening.")
    var readyFile: String?

    @Option(help: "Simulator clock = real time + this many milliseconds.")
    var clockOffsetMs: Int64 = 0

    @Option(help: "Freeze the simulator clock at this Unix time in milliseconds.")
    var fixedClockMs: Int64?

    @Option(help: "Seconds before each notification retry (comma-separated, fractions allowed; the last repeats).")
    var notifyDelays = MinbeiNotifier.documentDelays

    @Option(help: "How long a [sim:processing] payment stays in process, in milliseconds.")
    var processingDelayMs = 2000

    @Option(help: "How long a [sim:slow] payment's answer is delayed, in milliseconds.")
    var slowResponseMs = 5000

    @Option(help: "The bank's fee in basis points of a successful payment (round half up).")
    var feeBp: Int64 = 10

    @Option(help: "How long a [sim:timeout] answer is held, in milliseconds (the transaction is recorded first).")
    var timeoutDelayMs = 40_000

    @Option(help: "How long a [sim:late-notify] notification waits before its first attempt, in milliseconds.")
    var lateNotifyMs = 5_000

    @Option(
        help: ArgumentHelp(
            "Faults drawn for untagged pay and refund requests: name=probability,… (each 0…1, sum ≤ 1).",
            discussion: "Names: \(Fault.names). processing, dup-notify, late-notify and not-supported apply to payments only.",
            valueName: "spec"))
    var faults = ""

    @Option(help: "Seed of the fault draws (same seed and request order → same faults); random by default.")
    var faultSeed: UInt64?

    mutating func validate() throws {
        if merchants.isEmpty { throw ValidationError("at least one --merchant MER_ID=KEY is required") }
        if MinbeiMerchants(pairs: merchants) == nil {
            throw ValidationError("--merchant takes MER_ID=KEY (MER_ID 1–32 of [A-Za-z0-9_-], a GBK key), each number once")
        }
        if parsedNotifyDelays == nil {
            throw ValidationError("--notify-delays takes non-negative seconds separated by commas")
        }
        if fixedClockMs != nil && clockOffsetMs != 0 {
            throw ValidationError("--fixed-clock-ms and --clock-offset-ms exclude each other")
        }
        guard SimulatorClock.validMilliseconds.contains(clockOffsetMs),
            fixedClockMs.map(SimulatorClock.validMilliseconds.contains) ?? true
        else { throw ValidationError("clock values must be within ±year 9999 in milliseconds") }
        guard (0...10_000).contains(feeBp) else { throw ValidationError("--fee-bp must be 0…10000") }
        guard processingDelayMs >= 0, slowResponseMs >= 0, timeoutDelayMs >= 0, lateNotifyMs >= 0 else {
            throw ValidationError("delays must not be negative")
        }
        do {
            _ = try FaultPlan(spec: faults)
        } catch {
            throw ValidationError("--faults: \(error.message)")
        }
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0…65535") }
    }

    private var parsedNotifyDelays: [Double]? { NotifySchedule.parse(notifyDelays) }

    func run() async throws {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        var logger = Logger(label: "minbei-sim")
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .info

        guard let directory = MinbeiMerchants(pairs: merchants), let delays = parsedNotifyDelays,
            let plan = try? FaultPlan(spec: faults)
        else { throw ValidationError("invalid options") }
        let faultInjector = FaultInjector(plan: plan, seed: faultSeed ?? FaultInjector.randomSeed())
        let clock = SimulatorClock(fixedClockMs.map { .fixed($0) } ?? .offset(clockOffsetMs))
        let book = SimBook(feeBasisPoints: feeBp) { sequence in
            // bank_seq: 20 digits, the day's prefix then the sequence.
            let digits = String(sequence)
            return "2026" + String(repeating: "0", count: max(0, 16 - digits.count)) + digits
        }
        let scheduler = JobScheduler()
        var clientConfiguration = HTTPClient.Configuration()
        clientConfiguration.connectionPool.retryConnectionEstablishment = false
        clientConfiguration.timeout.connect = .seconds(5)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
        let notifier = MinbeiNotifier(
            notifier: SimNotifier(
                client: client, scheduler: scheduler, clock: clock, book: book, faults: faultInjector,
                retryDelays: delays, attempts: MinbeiNotifier.attempts, logger: logger),
            merchants: directory)

        let router = Router(context: SimRequestContext.self)
        MinbeiBankAPI(
            clock: clock, book: book, merchants: directory, faults: faultInjector, notifier: notifier,
            scheduler: scheduler, processingDelayMilliseconds: processingDelayMs, slowResponseMilliseconds: slowResponseMs,
            lateNotifyMilliseconds: lateNotifyMs, timeoutDelayMilliseconds: timeoutDelayMs, logger: logger
        ).register(on: router)
        ControlAPI(
            clock: clock, faults: faultInjector, book: book,
            bankTime: { MinbeiTime.compact(unixSeconds: $0 / 1000) }
        ).register(on: router)

        let announcer = ReadyAnnouncer(host: host, readyFile: readyFile, logger: logger)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "minbei-sim"),
            services: [scheduler],
            onServerRunning: { channel in announcer.announce(port: channel.localAddress?.port ?? 0) },
            logger: logger)
        logger.info(
            "starting",
            metadata: [
                "merchants": "\(directory.merchantIds)", "clock": "\(clock.mode)", "fee_bp": "\(feeBp)",
                "faults": "\(faults.isEmpty ? "none" : faults)", "fault_seed": "\(faultInjector.settings.seed)",
            ])
        let outcome: Result<Void, any Error>
        do {
            try await app.runService()
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        try? await client.shutdown()
        logger.info("stopped")
        try outcome.get()
    }
}
