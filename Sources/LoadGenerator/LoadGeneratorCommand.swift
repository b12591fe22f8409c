import ArgumentParser
import AsyncHTTPClient
import Foundation
import MerchantAuth
import NIOCore

/// `loadgen`: a load generator that signs every request, against the gateway or straight against the Jiangnan
/// bank (simulator). Exit status 0 when at least one request succeeded, 1 on a usage error, 2 when every
/// request failed.
@main
struct LoadGeneratorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loadgen",
        abstract: "Sends signed payment requests to the gateway or the Jiangnan bank simulator and reports latency.",
        discussion: """
            Closed loop (default): --connections workers each send their next request as soon as the previous \
            one is answered. Open loop (--rate): requests at a constant offered rate; latency is measured from \
            each request's intended send time, so queueing is not hidden.
            Every request is a new payment with a unique order id, signed afresh (new timestamp and nonce).
            Exit status: 0 when at least one request succeeded, 1 on a usage error, 2 when every request failed.
            """)

    /// Where the requests go.
    enum Target: String, ExpressibleByArgument, CaseIterable, Sendable {
        /// `POST /v1/payments` through the gateway, merchant-signed.
        case gateway
        /// `POST /api/v1/pay` straight to the bank (simulator), signed as the Jiangnan plugin signs.
        case jiangnan
    }

    @Option(help: "gateway: POST /v1/payments to the gateway; jiangnan: POST /api/v1/pay to the bank simulator.")
    var target: Target

    @Option(help: "Base URL of the target, e.g. http://127.0.0.1:8080.")
    var url: String

    @Option(help: "Merchant id (gateway) or Jiangnan merchant number (jiangnan).")
    var merchantId: String

    @Option(help: "Name of the environment variable holding the signing secret (the secret is never printed).")
    var secretEnv: String

    @Option(help: "Concurrent requests (one connection each); in the open loop, due requests beyond them wait.")
    var connections = 64

    @Option(help: "Open loop: requests per second at a constant offered rate (omit for a closed loop).")
    var rate: Double?

    @Option(help: "Measured seconds.")
    var duration: Double = 10

    @Option(help: "Seconds of load before measuring starts (not counted).")
    var warmup: Double = 2

    @Option(help: "Open loop: most requests waiting or in flight; one due beyond that is dropped and counted.")
    var maxOutstanding = 10_000

    @Option(help: "Amount of each payment in fen.")
    var amount: Int64 = 100

    @Option(help: "gateway only: the channel each payment names.")
    var channel = "jiangnan"

    @Option(help: "Seconds before a request counts as timed out.")
    var timeout: Double = 10

    @Option(help: "jiangnan only: the notify_url sent to the bank (default: the discard port, nothing listens).")
    var notifyUrl: String?

    @Flag(help: "Print one JSON object instead of the summary.")
    var json = false

    static let defaultNotifyURL = "http://127.0.0.1:9/notify"

    mutating func validate() throws {
        guard Self.baseURL(url) != nil else {
            throw ValidationError("--url must be an http:// or https:// base URL such as http://127.0.0.1:8080")
        }
        guard !merchantId.isEmpty else { throw ValidationError("--merchant-id must not be empty") }
        guard !secretEnv.isEmpty else { throw ValidationError("--secret-env must name an environment variable") }
        guard Self.secret(from: secretEnv) != nil else {
            throw ValidationError("environment variable \(secretEnv) (--secret-env) is not set or empty")
        }
        guard (1...100_000).contains(connections) else { throw ValidationError("--connections must be 1…100000") }
        if let rate, !(rate > 0 && rate.isFinite && rate <= 10_000_000) {
            throw ValidationError("--rate must be a positive number of requests per second")
        }
        guard duration > 0, duration.isFinite, duration <= 86_400 else {
            throw ValidationError("--duration must be positive seconds")
        }
        guard warmup >= 0, warmup.isFinite, warmup <= 86_400 else {
            throw ValidationError("--warmup must not be negative")
        }
        guard maxOutstanding >= 1 else { throw ValidationError("--max-outstanding must be at least 1") }
        guard (1...99_999_999_999).contains(amount) else {
            throw ValidationError("--amount must be 1…99999999999 fen")
        }
        guard timeout > 0, timeout.isFinite, timeout <= 3600 else {
            throw ValidationError("--timeout must be positive seconds")
        }
        if let notifyUrl {
            guard target == .jiangnan else { throw ValidationError("--notify-url only applies to --target jiangnan") }
            guard Self.baseURL(notifyUrl) != nil else { throw ValidationError("--notify-url must be an http(s) URL") }
        }
    }

    func run() async throws {
        guard let base = Self.baseURL(url), let secret = Self.secret(from: secretEnv) else {
            throw ValidationError("invalid options")
        }
        let factory: any LoadRequestFactory =
            switch target {
            case .gateway:
                GatewayRequestFactory(
                    baseURL: base, signer: MerchantRequestSigner(merchantId: merchantId, secret: secret),
                    amount: amount, channel: channel)
            case .jiangnan:
                JiangnanRequestFactory(
                    baseURL: base, merchantNo: merchantId, secret: secret, amount: amount,
                    notifyURL: notifyUrl ?? Self.defaultNotifyURL)
            }

        var configuration = HTTPClient.Configuration()
        // The default is 8 connections per host, which would cap the concurrency far below --connections.
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = connections
        configuration.httpVersion = .http1Only
        configuration.timeout.connect = .seconds(5)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let executor = RequestExecutor(
            client: client, factory: factory, orderIds: OrderIdGenerator(),
            timeout: .nanoseconds(Int64(timeout * 1e9)))

        let mode: LoadReport.Mode = rate == nil ? .closed : .open
        let load = rate.map { "\(LoadReport.number($0)) req/s" } ?? "\(connections) connections"
        Self.note(
            "loadgen: \(target.rawValue) \(base), \(load), "
                + "\(LoadReport.fixed(warmup, 1)) s warmup + \(LoadReport.fixed(duration, 1)) s measured")

        let result: (statistics: LoadStatistics, window: Duration)
        if let rate {
            let schedule = OpenLoopSchedule(rate: rate, warmup: .seconds(warmup), duration: .seconds(duration))
            result = await OpenLoopRunner(
                executor: executor, schedule: schedule, connections: connections, maxOutstanding: maxOutstanding
            ).run()
        } else {
            result = await ClosedLoopRunner(
                executor: executor, connections: connections, warmup: .seconds(warmup), duration: .seconds(duration)
            ).run()
        }
        try await client.shutdown()

        let report = LoadReport(
            target: target.rawValue, mode: mode, connections: connections, rate: rate, warmupSeconds: warmup,
            durationSeconds: result.window.seconds, statistics: result.statistics)
        print(json ? report.json : report.text)
        if report.exitCode != 0 {
            Self.note("loadgen: every request failed")
            throw ExitCode(report.exitCode)
        }
    }

    /// Parses, then runs; every usage error exits with status 1 (ArgumentParser's default would be 64).
    static func main() async {
        let command: Self
        do {
            command = try parse()
        } catch {
            if exitCode(for: error) == .success { exit(withError: error) }  // --help
            note(fullMessage(for: error))
            Foundation.exit(1)
        }
        do {
            try await command.run()
        } catch {
            exit(withError: error)
        }
    }

    /// `url` without trailing slashes when it is an http(s) URL with a host; nil otherwise.
    static func baseURL(_ url: String) -> String? {
        var text = url
        while text.hasSuffix("/") { text.removeLast() }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty,
            components.query == nil, components.fragment == nil
        else { return nil }
        return text
    }

    /// The non-empty value of environment variable `name`.
    static func secret(from name: String) -> String? {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { return nil }
        return value
    }

    /// A line on standard error.
    static func note(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
