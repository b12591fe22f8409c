import ChannelKit

/// Takes one plugin file through the steps the gateway takes, in order: open the shared object, find the
/// entry point, read the build description, check it against this build's ChannelKit and compiler, create
/// the plugin object, validate its manifest. The gateway's `PluginManager` and `gatewayctl plugins inspect`
/// both load through it, so the tool's verdict is the gateway's.
public struct PluginLoader: Sendable {
    /// A step passed.
    public enum Step: Sendable {
        /// The shared object was opened (dlopen).
        case opened
        /// The entry point's build description was read and accepted.
        case checked(PluginBuildInfo)
    }

    /// Where the file got to.
    public enum Outcome: Sendable {
        /// The plugin object exists and its manifest is valid.
        case started(PluginBuildInfo, any ChannelPlugin, PluginManifest)
        /// A step failed; the build description when the entry point gave one.
        case failed(PluginFailure, PluginBuildInfo?)
    }

    public var versionCheck: PluginVersionCheck
    public var factory: PluginFactory

    public init(versionCheck: PluginVersionCheck = .host, factory: PluginFactory = PluginFactory()) {
        self.versionCheck = versionCheck
        self.factory = factory
    }

    /// Loads `path`, telling `step` of each step passed.
    public func load(_ path: String, step: (Step) -> Void = { _ in }) -> Outcome {
        var info: PluginBuildInfo?
        do throws(PluginFailure) {
            let library = try PluginLibrary.open(path)
            step(.opened)
            let entry = try library.entryPoint()
            let described = try factory.describe(entry)
            info = described
            try versionCheck.check(described)
            step(.checked(described))
            let plugin = try factory.create(entry)
            let manifest = plugin.manifest
            try PluginManifestCheck.validate(manifest)
            return .started(described, plugin, manifest)
        } catch {
            return .failed(error, info)
        }
    }
}
