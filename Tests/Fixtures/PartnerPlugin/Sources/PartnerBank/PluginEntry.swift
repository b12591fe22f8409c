import ChannelKit

/// The C entry point the gateway looks up in every plugin: describes the build (request 0) and creates a
/// ``PartnerBankPlugin`` (request 1).
@_cdecl("channelkit_plugin_entry")
public func channelKitPluginEntry(_ request: Int32) -> UnsafeMutableRawPointer? {
    PluginExport.entry(request, PartnerBankPlugin.self)
}
