import ChannelKit

/// A plugin file's life, in order: discovered → loaded (dlopen succeeded) → checked (entry point found,
/// ChannelKit API and compiler versions accepted) → started (plugin object created, manifest valid and
/// unique). Any step can end in `failed`; a failed plugin is a state, not a crash. Plugins are never unloaded.
enum PluginState: Sendable {
    case discovered
    case loaded
    case checked(PluginBuildInfo)
    case started(PluginBuildInfo, any ChannelPlugin, PluginManifest)
    case failed(PluginFailure, PluginBuildInfo?)
}

/// One plugin file and where it got to.
struct PluginRecord: Sendable {
    /// The file name in the plugins directory.
    var fileName: String
    var state: PluginState

    /// The started plugin, if it got that far.
    var plugin: (any ChannelPlugin)? {
        if case .started(_, let plugin, _) = state { return plugin }
        return nil
    }

    /// The manifest, if the plugin started.
    var manifest: PluginManifest? {
        if case .started(_, _, let manifest) = state { return manifest }
        return nil
    }
}
