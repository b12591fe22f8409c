import ChannelKit
import Foundation
import GatewayAPI
import PluginInspection

/// A plugin file's life, in order: discovered (found in the plugins directory) → loaded (dlopen succeeded) →
/// checked (entry point found, build description read, ChannelKit API and compiler versions accepted) →
/// started (plugin object created, manifest valid). Any step can end in `failed`; a failed plugin is a state,
/// not a crash. Of the started files of one plugin id, one serves (the highest version, or the pinned one);
/// the others are `superseded` — loaded and ready, never unloaded (no dlclose), and back to `started` when a
/// pin or a newer file makes them the one that serves.
enum PluginState: Sendable {
    case discovered
    case loaded
    case checked(PluginBuildInfo)
    case started(PluginBuildInfo, any ChannelPlugin, PluginManifest)
    case superseded(PluginBuildInfo, any ChannelPlugin, PluginManifest)
    case failed(PluginFailure, PluginBuildInfo?)

    /// The state's name in the admin API.
    var name: AdminPlugin.State {
        switch self {
        case .discovered: .discovered
        case .loaded: .loaded
        case .checked: .checked
        case .started: .started
        case .superseded: .superseded
        case .failed: .failed
        }
    }
}

/// One state a plugin file reached, and when.
struct PluginStep: Sendable, Equatable {
    var state: AdminPlugin.State
    var at: Date
}

/// One plugin file and where it got to.
struct PluginRecord: Sendable {
    /// The file name in the plugins directory.
    var fileName: String
    var state: PluginState
    /// Every state the file passed, in order, the current one last.
    var history: [PluginStep]

    init(fileName: String, state: PluginState, history: [PluginStep] = []) {
        self.fileName = fileName
        self.state = state
        self.history = history.isEmpty ? [PluginStep(state: state.name, at: Date())] : history
    }

    /// Moves to `next`, recording the step.
    mutating func move(to next: PluginState, at time: Date = Date()) {
        state = next
        history.append(PluginStep(state: next.name, at: time))
    }

    /// The last state reached before a failure (`nil` unless failed).
    var failedAfter: AdminPlugin.State? {
        guard case .failed = state, history.count >= 2 else { return nil }
        return history[history.count - 2].state
    }

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

    /// The plugin and its manifest when it started, whether it serves now or is superseded.
    var loaded: (plugin: any ChannelPlugin, manifest: PluginManifest, info: PluginBuildInfo)? {
        switch state {
        case .started(let info, let plugin, let manifest), .superseded(let info, let plugin, let manifest):
            (plugin, manifest, info)
        default: nil
        }
    }
}
