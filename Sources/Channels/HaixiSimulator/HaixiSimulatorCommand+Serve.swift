import ArgumentParser
import AsyncHTTPClient
import Foundation
import HaixiProtocol
import Hummingbird
import Logging
import SimulatorSupport

extension HaixiSimulatorCommand {
    /// Serves the bank (the default subcommand).
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serves the simulated bank (the default).",
            discussion: """
                XML messages to POST /gateway, RSA-SHA256 (PKCS#1 v1.5) over <Head>…</Body>:
                requests verified with the merchant's registered public key, answers and
                notifications signed with the bank's key. A TxTime more than 5 minutes off
                the bank's clock is refused 300002; a SerialNo seen before is answered with
                the transaction as it stands, or 200004 when its content differs. A tag in a
                pay request's Subject picks what happens to a new payment (the first scenario
                tag and the first fault tag apply; a tagged request draws no --faults fault):
                  [sim:insufficient-funds], [sim:frozen]  200001 / 200002, recorded failed
                  [sim:busy], [sim:error]   999999, nothing recorded
                  [sim:processing]          100001, success after --processing-delay-ms, notified
                  [sim:slow]                000000, answered after --slow-response-ms
                Faults, also as a tag in a refund's Reason (but for the last four):
                  [sim:timeout]             recorded, answered after --timeout-delay-ms
                  [sim:5xx]                 recorded, HTTP 500 text/plain
                  [sim:5xx-before]          nothing recorded, HTTP 503 text/plain
                  [sim:reset]               recorded, connection reset, no answer
                  [sim:malformed]           recorded, HTTP 200, half a message
                  [sim:bad-signature]       recorded, wrong Signature
                  [sim:busy]                999999, nothing recorded
                  [sim:processing]          100001 then success and the notification (pay only)
                  [sim:dup-notify]          notification delivered twice (pay only)
                  [sim:late-notify]         notification after --late-notify-ms (pay only)
                  [sim:not-supported]       300002, nothing recorded (pay only; another channel may be tried)
                Notifications 2001/2002 are retried on --notify-delays until the merchant
                answers a message signed with its key, echoing the SerialNo, RespCode 000000.
                Control API (loopback only): GET /_sim/record, GET|POST /_sim/clock,
                GET|PUT /_sim/faults. See docs/SIMULATOR.md.
                """)

        @Option(help: "Address to listen on.")
        var host = "127.0.0.1"

        @Option(help: "Port to listen on; 0 picks a free port.")
        var port = 9300

        @Option(
            name: .customLong("merchant"),
            help: "A merchant and its public key, [MERID=]PUBKEY.pem (repeatable; MERID defaults to HX310000001).")
        var merchants: [String] = []

        @Option(help: "The bank's RSA private key (PEM); a fresh RSA 2048 key is generated when omitted.")
        var bankKey: String?

        @Option(help: "Write the bank's public key (PEM) here before listening, for the channel's bank_public_key.")
        var writeBankPublicKey: String?

        @Option(help: "Write {\"event\":\"listening\",\"host\":…,\"port\":N} here (atomically) once listening.")
        var readyFile: String?

        @Option(help: "Simulator clock = real time + this many milliseconds.")
        var clockOffsetMs: Int64 = 0

        @Option(help: "Freeze the simulator clock at this Unix time in milliseconds.")
        var fixedClockMs: Int64?

        @Option(help: "Seconds before each notification retry (comma-separated, fractions allowed; the last repeats).")
        var notifyDelays = HaixiNotifier.documentDelays

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
            if merchants.isEmpty { throw ValidationError("at least one --merchant [MERID=]PUBKEY.pem is required") }
            do {
                _ = try HaixiMerchants(items: merchants)
            } catch {
                throw ValidationError(error.description)
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

        /// The bank's key: `--bank-key`, or a fresh one.
        private func loadBankKey() throws -> HaixiSigner {
            guard let bankKey else { return try HaixiSigner.generate() }
            let pem: String
            do {
                pem = try String(contentsOfFile: bankKey, encoding: .utf8)
            } catch {
                throw ValidationError("--bank-key: cannot read \(bankKey)")
            }
            do {
                return try HaixiSigner(privateKeyPEM: pem)
            } catch {
                throw ValidationError("--bank-key: \(bankKey) is \(error.description)")
            }
        }

        func run() async throws {
            LoggingSystem.bootstrap(StreamLogHandler.standardError)
            var logger = Logger(label: "haixi-sim")
            logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .info

            guard let delays = parsedNotifyDelays, let plan = try? FaultPlan(spec: faults) else {
                throw ValidationError("invalid options")
            }
            let directory = try HaixiMerchants(items: merchants)
            let bank = try loadBankKey()
            if let writeBankPublicKey {
                try HaixiSimulatorCommand.write(bank.publicKeyPEM, to: writeBankPublicKey, permissions: 0o644)
            }
            let faultInjector = FaultInjector(plan: plan, seed: faultSeed ?? FaultInjector.randomSeed())
            let clock = SimulatorClock(fixedClockMs.map { .fixed($0) } ?? .offset(clockOffsetMs))
            let book = SimBook(feeBasisPoints: feeBp, bankId: HaixiSimTime.bankSerialNo)
            let scheduler = JobScheduler()
            var clientConfiguration = HTTPClient.Configuration()
            clientConfiguration.connectionPool.retryConnectionEstablishment = false
            clientConfiguration.timeout.connect = .seconds(5)
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
            let notifier = HaixiNotifier(
                notifier: SimNotifier(
                    client: client, scheduler: scheduler, clock: clock, book: book, faults: faultInjector,
                    retryDelays: delays, attempts: HaixiNotifier.attempts, logger: logger),
                merchants: directory, bankKey: bank, clock: clock)

            let router = Router(context: SimRequestContext.self)
            HaixiBankAPI(
                clock: clock, book: book, merchants: directory, bankKey: bank, faults: faultInjector, notifier: notifier,
                scheduler: scheduler, processingDelayMilliseconds: processingDelayMs,
                slowResponseMilliseconds: slowResponseMs, lateNotifyMilliseconds: lateNotifyMs,
                timeoutDelayMilliseconds: timeoutDelayMs, logger: logger
            ).register(on: router)
            ControlAPI(clock: clock, faults: faultInjector, book: book, bankTime: HaixiSimTime.text).register(on: router)

            let announcer = ReadyAnnouncer(host: host, readyFile: readyFile, logger: logger)
            let app = Application(
                router: router,
                configuration: .init(address: .hostname(host, port: port), serverName: "haixi-sim"),
                services: [scheduler],
                onServerRunning: { channel in announcer.announce(port: channel.localAddress?.port ?? 0) },
                logger: logger)
            logger.info(
                "starting",
                metadata: [
                    "merchants": "\(directory.merchantIds)", "clock": "\(clock.mode)", "fee_bp": "\(feeBp)",
                    "bank_key": "\(bankKey == nil ? "generated" : "from file")",
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
}
