extension ScaffoldTemplates {
    /// `Sources/{{Module}}/PluginEntry.swift` of a generated package.
    static let sourcesPluginEntrySwift = ScaffoldFile(
        "Sources/{{Module}}/PluginEntry.swift",
        #"""
import ChannelKit

/// The C entry point the gateway looks up in the plugin: describes the build (request 0) and creates an
/// ``{{Module}}Plugin`` (request 1). Keep it exactly like this.
@_cdecl("channelkit_plugin_entry")
public func channelKitPluginEntry(_ request: Int32) -> UnsafeMutableRawPointer? {
    PluginExport.entry(request, {{Module}}Plugin.self)
}
"""#)
}
