import GatewayConfig
import ChannelKit
import Foundation
import GatewayAPI
import Logging
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

@testable import GatewayHost
import PluginInspection

/// ChannelKit 2.0 as the gateway applies it, in-process: the rule for a channel that throws, the manifest's
/// credentials and bounds against a channel config, manifest validation, and the loader's version messages.
@Suite("ChannelKit 2.0 in the gateway")
struct ChannelKit2HostTests {
    static let cny = Currency(code: "CNY")!
    static let usd = Currency(code: "USD")!

    // MARK: - a throw is "not sent" only when nothing can have reached the bank

    @Test("a thrown error is declined not_sent only before sending and only with a refusing code")
    func thrownErrors() {
        let cases: [(any Error, Bool, ChannelOutcome.Status, String)] = [
            (PaymentChannelError(.invalidRequest, "id too long"), false, .declined, "not_sent"),
            (PaymentChannelError(.unsupportedCurrency, "JPY"), false, .declined, "not_sent"),
            (PaymentChannelError(.amountOutOfRange, "0"), false, .declined, "not_sent"),
            (PaymentChannelError(.invalidConfiguration, "no key"), false, .declined, "not_sent"),
            // The same refusal after a request went out may hide a charge.
            (PaymentChannelError(.invalidRequest, "after sending"), true, .pending, "channel_failure"),
            // Codes that do not say "refused before sending".
            (PaymentChannelError(.statementUnavailable, "?"), false, .pending, "channel_failure"),
            (PaymentChannelError(.notificationRejected, "?"), false, .pending, "channel_failure"),
            (CancellationError(), false, .pending, "channel_failure"),
            (TransportError(.connectionLost, "thrown instead of returned"), true, .pending, "channel_failure"),
        ]
        for (error, sent, status, reason) in cases {
            let outcome = PaymentService.outcome(ofThrown: error, mayHaveSent: sent)
            #expect(outcome.status == status, "\(error), sent \(sent): \(outcome)")
            #expect(OutcomeMetrics.reason(of: outcome) == reason, "\(error), sent \(sent): \(outcome)")
            #expect(outcome.mayTryAnotherChannel == (status == .declined))
        }
    }

    /// A channel that hands one request to the gateway's real transport, then throws `invalidRequest`.
    struct SendsThenThrows: PaymentChannel {
        let transport: any HTTPTransport
        let url: URL
        func pay(_ request: PayRequest) async throws -> ChannelOutcome {
            _ = try? await transport.execute(HTTPRequestMessage(method: "POST", url: url, body: Data("{}".utf8)))
            throw PaymentChannelError(.invalidRequest, "refused after the request went out")
        }
        func refund(_ request: RefundRequest) async throws -> ChannelOutcome { .notSent("unused") }
        func query(_ request: QueryRequest) async throws -> QueryResult { .notFound(bankCode: "none") }
    }

    @Test("the transport tells the payments core whether a request may have reached the bank")
    func transportMarksSentRequests() async throws {
        let directory = try TestDirectory("callbank")
        let simulator = try await SimulatorProcess.start(in: directory)
        let refusing = try RefusingPort()
        let transport = GatewayHTTPTransport(timeouts: ChannelTimeouts(connect: .seconds(2), request: .seconds(5)))
        defer { refusing.close() }
        let targets: [(String, URL, ChannelOutcome.Status)] = [
            ("reached the simulator", simulator.baseURL.appendingPathComponent("api/v1/pay"), .pending),
            ("connection refused", URL(string: "http://127.0.0.1:\(refusing.port)/api/v1/pay")!, .declined),
        ]
        for (name, url, status) in targets {
            let entry = ChannelEntry(
                id: "c", pluginId: "p", pluginVersion: "1", online: true, state: .ready, error: nil, configFile: "c.yaml",
                limits: [CurrencyBound(Self.cny, maximumMinorUnits: 100)], endpoint: url, timeouts: ChannelTimeouts(),
                manifest: nil,
                instance: Self.instance(SendsThenThrows(transport: transport, url: url), transport: transport))
            let service = PaymentService(
                store: try SQLitePaymentStore(directory: directory.path("ledger-\(status.rawValue)")),
                registry: ChannelRegistry(channels: ["c": entry], plugins: [], configErrors: []),
                logger: Logger(label: "test"))
            let outcome = await service.callBank("c", operation: "pay") { channel in
                try await channel.pay(PayRequest(transactionId: "pay_1", amount: Money(minorUnits: 1, currency: Self.cny), subject: "s"))
            }
            #expect(outcome.status == status, "\(name): \(outcome)")
            #expect(OutcomeMetrics.reason(of: outcome) == (status == .pending ? "channel_failure" : "not_sent"), "\(name)")
        }
        await transport.shutdown()
        await simulator.terminate()
    }

    /// A channel whose query answers with a given outcome.
    struct QueryAnswers: PaymentChannel {
        let answer: ChannelOutcome
        func pay(_ request: PayRequest) async throws -> ChannelOutcome { .notSent("unused") }
        func refund(_ request: RefundRequest) async throws -> ChannelOutcome { .notSent("unused") }
        func query(_ request: QueryRequest) async throws -> QueryResult { .found(answer) }
    }

    @Test("recovery never declines a payment on a query that was not sent; the bank's own decline is final")
    func recoveryQueryNotSent() async throws {
        let directory = try TestDirectory("recovery-not-sent")
        let cases: [(ChannelOutcome, TransactionStatus, String)] = [
            (ChannelOutcome(transportFailure: TransportError(.notSent, "connection refused")), .pending, "unreachable"),
            (.declined(.declined, bankCode: "2001", message: "insufficient funds"), .declined, "declined"),
            (.pending(.processing, bankCode: "1001"), .pending, "processing"),
        ]
        for (index, (answer, status, reason)) in cases.enumerated() {
            let store = try SQLitePaymentStore(directory: directory.path("ledger-\(index)"))
            let entry = ChannelEntry(
                id: "c", pluginId: "p", pluginVersion: "1", online: true, state: .ready, error: nil, configFile: "c.yaml",
                limits: [CurrencyBound(Self.cny, maximumMinorUnits: 1000)], endpoint: URL(string: "http://127.0.0.1:9")!,
                timeouts: ChannelTimeouts(), manifest: nil,
                instance: Self.instance(QueryAnswers(answer: answer)))
            let service = PaymentService(
                store: store, registry: ChannelRegistry(channels: ["c": entry], plugins: [], configErrors: []),
                logger: Logger(label: "test"))
            let created = Date().addingTimeInterval(-60)
            let payment = PaymentRecord(
                id: "pay_r\(index)", merchantId: "m1", merchantOrderId: "o\(index)", channelId: "c", amount: 100,
                currency: "CNY", subject: "s", notifyURL: nil, metadata: nil, status: .processing, bankTransactionId: nil,
                bankCode: nil, bankMessage: nil, notProcessed: false, createdAt: created, updatedAt: created, finishedAt: nil)
            _ = try await store.insertPayment(payment, checkAt: created)
            let due = try #require(try await store.dueChecks(now: Date(), limit: 10).first)
            _ = try await service.check(due)
            let stored = try #require(try await store.payment(id: payment.id))
            #expect(stored.status == status, "\(answer): \(stored)")
            #expect(stored.outcomeReason == reason, "\(answer): \(stored)")
            await entry.instance?.retire()
        }
    }

    // MARK: - config against manifest

    static let manifest = PluginManifest(
        id: "acme", version: "2.0.0", displayName: "Acme",
        currencies: [CurrencyBound(cny, minimumMinorUnits: 100, maximumMinorUnits: 1_000_000), CurrencyBound(usd, maximumMinorUnits: 50_000)],
        requiredSettings: ["merchant_no"],
        credentials: [
            CredentialDeclaration("key", rotates: true), CredentialDeclaration("bank_public_key", rotates: true),
            CredentialDeclaration("webhook_token", required: false),
        ])

    /// A channel instance around `channel` (its transport is closed with the instance).
    static func instance(
        _ channel: any PaymentChannel, transport: GatewayHTTPTransport = GatewayHTTPTransport(timeouts: ChannelTimeouts())
    ) -> ChannelInstance {
        ChannelInstance(
            channel: channel, transport: transport,
            configuration: ChannelConfiguration(
                channelId: "c", pluginId: "p", endpoint: URL(string: "http://127.0.0.1:9")!, settings: [:],
                credentials: [:], timeouts: ChannelTimeouts(), currencies: []),
            generation: 1)
    }

    static func check(_ yaml: String, environment: [String: String] = ["K": "k1", "K2": "k2", "P": "p1", "W": "w1"])
        throws(ChannelConfigError) -> ChannelConfiguration
    {
        let directory = URL(fileURLWithPath: NSTemporaryDirectory())
        let file = try ChannelConfigFile.parse(contents: yaml, fileName: "acme.yaml", directory: directory)
        let bootstrapper = ChannelBootstrapper(
            configDirectory: directory, publicURL: URL(string: "http://127.0.0.1:1")!,
            credentials: CredentialResolver(environment: environment),
            logger: Logger(label: "test"))
        return try bootstrapper.check(file, against: manifest)
    }

    static func config(currencies: String = "[CNY]", maxAmount: String = "", credentials: String) -> String {
        """
        id: acme-1
        plugin: acme
        online: true
        endpoint: http://127.0.0.1:9
        currencies: \(currencies)
        \(maxAmount.isEmpty ? "" : "max_amount: \(maxAmount)")
        settings: {merchant_no: M1}
        credentials:
        \(credentials)
        """
    }

    static let required = "  key: {env: K}\n  bank_public_key: {env: P}\n"

    @Test("optional credentials may be omitted; rotating ones take current and next; the rest is refused by key")
    func credentials() throws {
        // The optional credential omitted: accepted, and absent.
        let plain = try Self.check(Self.config(credentials: Self.required))
        #expect(plain.credentials["webhook_token"] == nil)
        #expect(plain.optionalCredential("webhook_token") == nil)
        #expect(plain.credentials["key"] == Credential(current: Secret("k1")))
        // Given: present.
        let given = try Self.check(Self.config(credentials: Self.required + "  webhook_token: {env: W}\n"))
        #expect(given.optionalCredential("webhook_token")?.current.reveal() == "w1")
        // A rotation: current and next, both resolved.
        let rotating = try Self.check(
            Self.config(credentials: "  key: {current: {env: K}, next: {env: K2}}\n  bank_public_key: {env: P}\n"))
        #expect(rotating.credentials["key"] == Credential(current: Secret("k1"), next: Secret("k2")))
        #expect(rotating.credentials["key"]?.verificationValues.map { $0.reveal() } == ["k1", "k2"])

        let refused: [(String, String)] = [
            (Self.config(credentials: "  key: {env: K}\n"), "credentials.bank_public_key"),
            (Self.config(credentials: Self.required + "  other: {env: K}\n"), "credentials.other"),
            (Self.config(credentials: Self.required + "  webhook_token: {current: {env: W}, next: {env: K}}\n"), "credentials.webhook_token.next"),
            (Self.config(credentials: "  key: {next: {env: K2}}\n  bank_public_key: {env: P}\n"), "credentials.key.current"),
            (Self.config(credentials: "  key: {current: {env: K}, later: {env: K2}}\n  bank_public_key: {env: P}\n"), "credentials.key.later"),
            (Self.config(credentials: "  key: {current: {env: K}, next: {env: UNSET}}\n  bank_public_key: {env: P}\n"), "credentials.key.next.env"),
            (Self.config(credentials: "  key: {current: k1-inline}\n  bank_public_key: {env: P}\n"), "credentials.key.current"),
            (Self.config(credentials: "  key: {current: {env: UNSET}}\n  bank_public_key: {env: P}\n"), "credentials.key.current.env"),
        ]
        for (yaml, key) in refused {
            #expect(throws: ChannelConfigError.self, "\(key)") { try Self.check(yaml) }
            do {
                _ = try Self.check(yaml)
            } catch {
                #expect(error.key == key, "\(error.key ?? "-"): \(error.message)")
                #expect(!error.message.contains("k1") && !error.message.contains("k2"), "\(error.message)")
            }
        }
    }

    @Test("the manifest's currency bounds, narrowed by the config, are what the channel gets")
    func bounds() throws {
        let both = try Self.check(Self.config(currencies: "[CNY, USD]", credentials: Self.required))
        #expect(both.currencies == Self.manifest.currencies)
        let narrowed = try Self.check(Self.config(currencies: "[USD, CNY]", maxAmount: "{CNY: 5000}", credentials: Self.required))
        #expect(narrowed.currencies == [
            CurrencyBound(Self.usd, maximumMinorUnits: 50_000), CurrencyBound(Self.cny, minimumMinorUnits: 100, maximumMinorUnits: 5000),
        ])
        let all = try Self.check(Self.config(currencies: "[CNY, USD]", maxAmount: "20000", credentials: Self.required))
        #expect(all.currencies.map(\.maximumMinorUnits) == [20_000, 20_000])

        let refused: [(String, String)] = [
            (Self.config(currencies: "[JPY]", credentials: Self.required), "currencies[0]"),
            (Self.config(maxAmount: "2000000", credentials: Self.required), "max_amount"),
            (Self.config(maxAmount: "50", credentials: Self.required), "max_amount"),
            (Self.config(maxAmount: "{USD: 10}", credentials: Self.required), "max_amount.USD"),
            (Self.config(maxAmount: "{CNY: -1}", credentials: Self.required), "max_amount.CNY"),
        ]
        for (yaml, key) in refused {
            do {
                _ = try Self.check(yaml)
                Issue.record("accepted a config that \(key) should refuse")
            } catch {
                #expect(error.key == key, "\(error.key ?? "-"): \(error.message)")
            }
        }
    }

    // MARK: - manifest validation and loader messages

    @Test("a manifest with no currency, impossible bounds, a repeated credential or an unknown time zone is refused")
    func manifestValidation() throws {
        try PluginManifestCheck.validate(Self.manifest)
        var jiangnanLike = Self.manifest
        jiangnanLike.statements = StatementSupport(format: "csv", timeZoneIdentifier: "Asia/Shanghai", availableAfterDayEnd: .seconds(3600))
        try PluginManifestCheck.validate(jiangnanLike)
        func with(_ change: (inout PluginManifest) -> Void) -> PluginManifest {
            var manifest = Self.manifest
            change(&manifest)
            return manifest
        }
        let bad: [(PluginManifest, String)] = [
            (with { $0.currencies = [] }, "declares no currency"),
            (with { $0.currencies = [CurrencyBound(Self.cny, minimumMinorUnits: 10, maximumMinorUnits: 5)] }, "impossible bounds"),
            (with { $0.currencies.append(CurrencyBound(Self.cny, maximumMinorUnits: 1)) }, "CNY twice"),
            (with { $0.credentials.append(CredentialDeclaration("key")) }, "credential 'key' twice"),
            (
                with { $0.statements = StatementSupport(format: "csv", timeZoneIdentifier: "Mars/Olympus", availableAfterDayEnd: .zero) },
                "unknown statement time zone"
            ),
        ]
        for (manifest, text) in bad {
            do {
                try PluginManifestCheck.validate(manifest)
                Issue.record("accepted a manifest that \(text)")
            } catch {
                #expect(error.code == .invalidManifest)
                #expect(error.reason.contains(text), "\(error.reason)")
            }
        }
    }

    @Test("the loader reports every state a file passes, as it passes it")
    func loaderObservesStates() throws {
        let directory = try TestDirectory("observe-states")
        let plugins = try directory.subdirectory("plugins")
        try Data("not an ELF file at all".utf8).write(to: plugins.appendingPathComponent("libA-garbage.so"))
        try plugins.appendingPathComponent("libB-throwing.so").copy(from: try BuildProducts.fixture("libThrowingPlugin.so"))
        let seen = Mutex<[String: [AdminPlugin.State]]>([:])
        let manager = PluginManager(
            repository: PluginRepository(directory: plugins), logger: Logger(label: "test"),
            observe: { record in seen.withLock { $0[record.fileName, default: []].append(record.state.name) } })
        let records = manager.loadAll()
        let observed = seen.withLock { $0 }
        #expect(observed["libA-garbage.so"] == [.discovered, .failed])
        #expect(observed["libB-throwing.so"] == [.discovered, .loaded, .checked, .failed])
        // What the admin API shows afterwards is the same sequence, with times in order.
        for record in records {
            #expect(record.history.map(\.state) == observed[record.fileName], "\(record.fileName)")
            #expect(record.history.map(\.at) == record.history.map(\.at).sorted())
        }
        #expect(records.first { $0.fileName == "libB-throwing.so" }?.failedAfter == .checked)
    }

    @Test("version refusals say what to rebuild against")
    func versionMessages() throws {
        let check = PluginVersionCheck(hostAPI: "2.0", hostCompiler: "6.3.1", hostEntryRevision: 1)
        func refusal(_ api: String, _ swift: String = "6.3.1") -> PluginFailure? {
            do {
                try check.check(PluginBuildInfo(entryRevision: 1, channelKitAPI: api, swiftCompiler: swift))
                return nil
            } catch {
                return error
            }
        }
        #expect(refusal("2.0") == nil)
        #expect(refusal("1.0")?.code == .channelKitVersionMismatch)
        #expect(refusal("1.0")?.reason.contains("rebuild against ChannelKit 2.x") == true)
        #expect(refusal("3.0")?.reason.contains("rebuild against ChannelKit 2.x") == true)
        #expect(refusal("2.1")?.code == .newerChannelKit)
        #expect(refusal("2.0", "6.2")?.code == .compilerMismatch)

        let symbol = "$s10ChannelKit0A5ErrorVMa"
        let legacy = PluginLibrary.missingSymbolFailure(symbol, build: nil, check: check)
        #expect(legacy.code == .channelKitVersionMismatch)
        #expect(legacy.reason.contains("older than 2.0") && legacy.reason.contains("ChannelKit 2.x") && legacy.reason.contains(symbol))
        let newer = PluginLibrary.missingSymbolFailure(
            symbol, build: PluginBuildInfo(entryRevision: 1, channelKitAPI: "2.3", swiftCompiler: "6.3.1"), check: check)
        #expect(newer.code == .newerChannelKit)
        #expect(newer.reason.contains("built against ChannelKit 2.3, newer than this gateway's 2.0"))
    }

    @Test("the build description is found in a file's bytes, and matches the version constants")
    func buildMarker() throws {
        #expect(
            ChannelKitVersion.buildDescription
                == "channelkit-entry=\(ChannelKitVersion.entryRevision);api=\(ChannelKitVersion.api);swift=\(ChannelKitVersion.swiftCompiler)")
        var bytes = Data([0x7F, 0x45, 0x4C, 0x46]) + Data("channelkit-entry=\0".utf8)
        bytes += Data("noise channelkit-entry=1;api=2.4;swift=6.3.1\0 more".utf8)
        let found = try #require(PluginBuildMarker.scan(bytes))
        #expect(found == PluginBuildInfo(entryRevision: 1, channelKitAPI: "2.4", swiftCompiler: "6.3.1"))
        #expect(PluginBuildMarker.scan(Data("channelkit-entry=\0;api=".utf8)) == nil)
        // The real plugin carries it.
        let jiangnan = try #require(PluginBuildMarker.scan(try BuildProducts.product("libJiangnan.so").path))
        #expect(jiangnan.channelKitAPI == ChannelKitVersion.api)
    }

    @Test("the changelog's newest release and the ABI baseline are the version the code carries")
    func docsAgreeWithTheVersion() throws {
        let root = BuildProducts.repositoryRoot
        let changelog = try String(contentsOf: root.appendingPathComponent("docs/CHANNELKIT-CHANGELOG.md"), encoding: .utf8)
        // An "Unreleased" section (additions that leave the API version as it is) may head the list; the
        // newest numbered release after it is the version the code carries.
        let headings = changelog.split(separator: "\n").filter { $0.hasPrefix("## ") }
        #expect(headings.dropFirst().allSatisfy { !$0.hasPrefix("## Unreleased") }, "\(headings)")
        let newest = headings.first { !$0.hasPrefix("## Unreleased") }
        #expect(newest?.hasPrefix("## \(ChannelKitVersion.api) ") == true, "\(newest ?? "no release heading")")
        let rules = try String(contentsOf: root.appendingPathComponent("docs/CHANNELKIT-COMPATIBILITY.md"), encoding: .utf8)
        #expect(rules.contains("today `\(ChannelKitVersion.api)`"))
        let major = ChannelKitVersion.api.split(separator: ".").first.map(String.init) ?? ""
        let baselines = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("Sources/ChannelKit/abi").path)
        #expect(baselines.contains { $0.hasPrefix("ChannelKit-\(major).") }, "\(baselines)")
    }

    @Test("an outcome decodes only with its own reason; encoding round-trips")
    func outcomeCoding() throws {
        let outcomes: [ChannelOutcome] = [
            .declined(.refusedTryElsewhere, bankCode: "2005", message: "currency not supported"),
            .pending(.busy, bankCode: "9998", message: "busy"),
            .notSent("refused"),
            .succeeded(bankTransactionId: "B1", amount: Money(minorUnits: 5, currency: Self.cny), finishedAt: nil),
        ]
        for outcome in outcomes {
            #expect(try JSONDecoder().decode(ChannelOutcome.self, from: JSONEncoder().encode(outcome)) == outcome)
        }
        for bad in [#"{"status":"declined"}"#, #"{"status":"pending","declineReason":"declined"}"#, #"{"status":"succeeded","pendingCause":"busy"}"#] {
            #expect(throws: DecodingError.self, "\(bad)") { try JSONDecoder().decode(ChannelOutcome.self, from: Data(bad.utf8)) }
        }
    }
}

/// A loopback port that refuses connections: a socket bound to it that never listens.
struct RefusingPort {
    let descriptor: Int32
    let port: Int

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard bound else { throw HarnessError("cannot bind a loopback socket") }
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() { _ = Glibc.close(descriptor) }
}
