import ChannelKit

/// The C entry point: describes the build (request 0) and creates a ``VersionedBankPlugin`` (request 1).
@_cdecl("channelkit_plugin_entry")
public func channelKitPluginEntry(_ request: Int32) -> UnsafeMutableRawPointer? {
    PluginExport.entry(request, VersionedBankPlugin.self)
}
