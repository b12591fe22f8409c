import Foundation

/// Exports a ``ChannelPlugin`` type through the single C entry point the gateway looks up in every .so:
/// `channelkit_plugin_entry`.
///
/// Write these two lines in your plugin module:
/// ```swift
/// @_cdecl("channelkit_plugin_entry")
/// public func channelKitPluginEntry(_ request: Int32) -> UnsafeMutableRawPointer? { PluginExport.entry(request, AcmePlugin.self) }
/// ```
///
/// The entry point answers two requests:
/// - ``describeRequest``: a `malloc`ed C string `channelkit-entry=1;api=2.0;swift=6.3.1` (``ChannelKitVersion/buildDescription``) that the gateway reads
///   and `free`s *before* it touches any Swift type of the plugin. The values are compiled into the plugin.
/// - ``createRequest``: a retained ``PluginInstance`` (as an unmanaged object) holding the plugin or the error
///   its `init` threw.
public enum PluginExport {
    /// Entry request: describe the build (plain C string).
    public static let describeRequest: Int32 = 0
    /// Entry request: create the plugin object.
    public static let createRequest: Int32 = 1

    /// The implementation of `channelkit_plugin_entry`; inlined into the plugin so that the versions it
    /// reports are the ones the plugin was compiled with.
    @_alwaysEmitIntoClient
    public static func entry<Plugin: ChannelPlugin>(_ request: Int32, _ plugin: Plugin.Type) -> UnsafeMutableRawPointer? {
        switch request {
        case 0:
            return UnsafeMutableRawPointer(strdup(ChannelKitVersion.buildDescription))
        case 1:
            let instance: PluginInstance
            do {
                instance = PluginInstance(plugin: try Plugin())
            } catch {
                instance = PluginInstance(error: String(describing: error))
            }
            return Unmanaged.passRetained(instance as AnyObject).toOpaque()
        default:
            return nil
        }
    }
}

/// What `channelkit_plugin_entry(1)` returns: the created plugin, or why it could not be created.
public final class PluginInstance: Sendable {
    /// The plugin, when its `init` succeeded.
    public let plugin: (any ChannelPlugin)?
    /// The error its `init` threw, as text.
    public let initializationError: String?

    /// Wraps a created plugin.
    public init(plugin: any ChannelPlugin) {
        self.plugin = plugin
        self.initializationError = nil
    }

    /// Records a failed `init`.
    public init(error: String) {
        self.plugin = nil
        self.initializationError = error
    }
}
