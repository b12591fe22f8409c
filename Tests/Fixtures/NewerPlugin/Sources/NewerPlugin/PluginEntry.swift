import ChannelKit

/// The C entry point the gateway looks up; never reached, as the library fails to load.
@_cdecl("channelkit_plugin_entry")
public func channelKitPluginEntry(_ request: Int32) -> UnsafeMutableRawPointer? {
    PluginExport.entry(request, NewerPlugin.self)
}
