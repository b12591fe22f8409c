import ChannelKit
import Foundation
import PluginInspection

/// Loads a plugin `.so` the way the gateway does (the shared ``PluginLoader``: dlopen, the C entry point, the
/// version checks, the created plugin and its manifest), for running the conformance suite in this test process.
enum ConformancePluginLoader {
    static func load(_ file: URL) throws -> any ChannelPlugin {
        switch PluginLoader().load(file.path) {
        case .started(_, let plugin, _):
            return plugin
        case .failed(let failure, _):
            throw LoaderError(message: "\(file.lastPathComponent): \(failure)")
        }
    }

    struct LoaderError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
