import ChannelKit

/// The C entry point; request 1 returns a ``PluginInstance`` carrying the error `init` threw.
@_cdecl("channelkit_plugin_entry")
public func channelKitPluginEntry(_ request: Int32) -> UnsafeMutableRawPointer? {
    PluginExport.entry(request, ThrowingPlugin.self)
}
