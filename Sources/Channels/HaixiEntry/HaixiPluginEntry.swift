import ChannelKit
import Haixi

/// The plugin's C entry point, looked up by the gateway. In a target of its own, so that libHaixi.so carries
/// it while tests and tools that link several channels into one binary link the channel without it.
@_cdecl("channelkit_plugin_entry")
public func channelKitPluginEntry(_ request: Int32) -> UnsafeMutableRawPointer? { PluginExport.entry(request, HaixiPlugin.self) }
