import ChannelKit

/// A ChannelKit 1.0 plugin (id `legacy-bank`) using the 1.0 API that 2.0 changed: `ChannelError`, the
/// `notProcessed` flag, `statementFormat` in the capabilities, `SelfCheckResult.notAvailable`.
public final class LegacyPlugin: ChannelPlugin {
    /// Creates the plugin.
    public init() {}

    /// Id `legacy-bank` 1.0.0.
    public var manifest: PluginManifest {
        PluginManifest(
            id: "legacy-bank", version: "1.0.0", displayName: "Plugin built against ChannelKit 1.0",
            capabilities: PluginCapabilities(
                currencies: [Currency(code: "CNY")!], partialRefund: false, notifications: false, statementFormat: nil,
                notFoundFinalAfterSeconds: nil, maximumAmountMinorUnits: 100))
    }

    /// Creates a channel that never reaches a bank.
    public func makeChannel(context: ChannelContext) async throws -> any PaymentChannel { LegacyChannel() }
}

/// A 1.0 channel: every request is "not sent".
struct LegacyChannel: PaymentChannel {
    func pay(_ request: PayRequest) async throws -> ChannelOutcome { .notSent(reason: "legacy fixture") }
    func refund(_ request: RefundRequest) async throws -> ChannelOutcome {
        .declined(bankCode: "L1", message: "legacy fixture", notProcessed: true)
    }
    func query(_ request: QueryRequest) async throws -> QueryResult { .notFound(bankCode: "L404") }
    func downloadStatement(_ request: StatementRequest) async throws -> StatementFile {
        throw ChannelError(.unsupported, "no statements")
    }
    func parseStatement(_ file: StatementFile, batchSize: Int) -> AsyncThrowingStream<StatementBatch, any Error> {
        AsyncThrowingStream { $0.finish(throwing: ChannelError(.unsupported, "no statements")) }
    }
    func selfCheck() async -> SelfCheckResult { .notAvailable }
}

/// The C entry point: describes a 1.0 build, never reached in a 2.0 gateway (the library fails to load).
@_cdecl("channelkit_plugin_entry")
public func channelKitPluginEntry(_ request: Int32) -> UnsafeMutableRawPointer? {
    PluginExport.entry(request, LegacyPlugin.self)
}
