import ChannelKit
import Foundation

/// Reads a plugin's build description and creates its plugin object through the entry point.
public struct PluginFactory: Sendable {
    public init() {}

    /// Calls `entry(0)` and parses the C string (which the plugin `malloc`ed; we `free` it).
    public func describe(_ entry: PluginLibrary.EntryPoint) throws(PluginFailure) -> PluginBuildInfo {
        guard let raw = entry(PluginExport.describeRequest) else {
            throw PluginFailure(.invalidManifest, "the entry point returned no build description")
        }
        let text = String(cString: raw.assumingMemoryBound(to: CChar.self))
        free(raw)
        return try PluginBuildInfo(parsing: text)
    }

    /// Calls `entry(1)` and takes ownership of the returned `PluginInstance`.
    public func create(_ entry: PluginLibrary.EntryPoint) throws(PluginFailure) -> any ChannelPlugin {
        guard let raw = entry(PluginExport.createRequest) else {
            throw PluginFailure(.initFailed, "init failed: the entry point returned no plugin object")
        }
        let object = Unmanaged<AnyObject>.fromOpaque(raw).takeRetainedValue()
        guard let instance = object as? PluginInstance else {
            throw PluginFailure(
                .invalidManifest,
                "the entry point returned an object that is not a ChannelKit PluginInstance "
                    + "(was ChannelKit linked statically into the plugin?)")
        }
        if let error = instance.initializationError {
            throw PluginFailure(.initFailed, "init failed: \(error)")
        }
        guard let plugin = instance.plugin else {
            throw PluginFailure(.initFailed, "init failed: no plugin object")
        }
        return plugin
    }
}
