/// The object a plugin .so exports: it describes the plugin and creates channels from configurations.
///
/// ```swift
/// public final class AcmePlugin: ChannelPlugin {
///     public init() {}
///     public var manifest: PluginManifest { ... }
///     public func makeChannel(context: ChannelContext) async throws -> any PaymentChannel {
///         try AcmeChannel(context: context)
///     }
/// }
///
/// @_cdecl("channelkit_plugin_entry")
/// public func channelKitPluginEntry(_ request: Int32) -> UnsafeMutableRawPointer? { PluginExport.entry(request, AcmePlugin.self) }
/// ```
public protocol ChannelPlugin: AnyObject, Sendable {
    /// Creates the plugin. Keep it cheap; throw if the plugin cannot work at all.
    init() throws

    /// The plugin's manifest.
    var manifest: PluginManifest { get }

    /// Creates a channel for one configuration. Validate the configuration here and throw a
    /// ``ChannelError`` with ``ChannelError/Code/invalidConfiguration`` naming the bad key.
    func makeChannel(context: ChannelContext) async throws -> any PaymentChannel
}
