import ChannelKit
import Foundation

@testable import GatewayHost

/// Loads a plugin `.so` the way the gateway does (its own ``PluginLibrary``: dlopen, the C entry point, the
/// created ``PluginInstance``), for running the conformance suite in this test process.
enum ConformancePluginLoader {
    static func load(_ file: URL) throws -> any ChannelPlugin {
        let library: PluginLibrary
        do {
            library = try PluginLibrary.open(file.path)
        } catch {
            throw LoaderError(message: "\(file.lastPathComponent): \(error)")
        }
        let entry = try library.entryPoint()
        guard let raw = entry(PluginExport.createRequest) else {
            throw LoaderError(message: "\(file.lastPathComponent): the entry point created nothing")
        }
        let object = Unmanaged<AnyObject>.fromOpaque(raw).takeRetainedValue()
        guard let instance = object as? PluginInstance else {
            throw LoaderError(message: "\(file.lastPathComponent): the entry point returned no PluginInstance")
        }
        guard let plugin = instance.plugin else {
            throw LoaderError(message: "\(file.lastPathComponent): init threw \(instance.initializationError ?? "?")")
        }
        return plugin
    }

    struct LoaderError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
