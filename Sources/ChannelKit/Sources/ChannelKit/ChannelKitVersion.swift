/// The version of the ChannelKit contract and of the compiler a plugin was built with.
///
/// Every value is emitted into the *client's* binary (`@_alwaysEmitIntoClient`), so a plugin reports the
/// ChannelKit it was compiled against, not the copy of libChannelKit.so the gateway happens to have loaded.
/// docs/CHANNELKIT-COMPATIBILITY.md says what a minor and a major version may change.
public enum ChannelKitVersion {
    /// The ChannelKit API version this code was compiled against, as `major.minor`.
    ///
    /// The gateway refuses a plugin with another major version, or with a minor version newer than its own.
    @_alwaysEmitIntoClient
    public static var api: String { "2.0" }

    /// The Swift compiler that compiled this code, e.g. `6.3.1`.
    ///
    /// Swift has no stable ABI on Linux: the gateway refuses a plugin built by another compiler.
    @_alwaysEmitIntoClient
    public static var swiftCompiler: String {
        #if compiler(>=6.5)
        return "6.5+"
        #elseif compiler(>=6.4)
        return "6.4"
        #elseif compiler(>=6.3.3)
        return "6.3.3"
        #elseif compiler(>=6.3.2)
        return "6.3.2"
        #elseif compiler(>=6.3.1)
        return "6.3.1"
        #elseif compiler(>=6.3)
        return "6.3"
        #elseif compiler(>=6.2.3)
        return "6.2.3"
        #elseif compiler(>=6.2.2)
        return "6.2.2"
        #elseif compiler(>=6.2.1)
        return "6.2.1"
        #elseif compiler(>=6.2)
        return "6.2"
        #elseif compiler(>=6.1)
        return "6.1"
        #else
        return "6.0"
        #endif
    }

    /// Revision of the C entry point protocol (`channelkit_plugin_entry`): unchanged since 1.0.
    @_alwaysEmitIntoClient
    public static var entryRevision: Int { 1 }

    /// The build description the entry point returns for ``PluginExport/describeRequest``, e.g.
    /// `channelkit-entry=1;api=2.0;swift=6.3.1`.
    ///
    /// Written as one string literal per compiler, so that the plugin file carries these exact bytes: the
    /// gateway finds them in a file it cannot dlopen (for example a plugin that needs ChannelKit symbols the
    /// gateway lacks) and says which ChannelKit the plugin was built against. A unit test checks that it
    /// agrees with ``api``, ``swiftCompiler`` and ``entryRevision``.
    @_alwaysEmitIntoClient
    public static var buildDescription: String {
        #if compiler(>=6.5)
        return "channelkit-entry=1;api=2.0;swift=6.5+"
        #elseif compiler(>=6.4)
        return "channelkit-entry=1;api=2.0;swift=6.4"
        #elseif compiler(>=6.3.3)
        return "channelkit-entry=1;api=2.0;swift=6.3.3"
        #elseif compiler(>=6.3.2)
        return "channelkit-entry=1;api=2.0;swift=6.3.2"
        #elseif compiler(>=6.3.1)
        return "channelkit-entry=1;api=2.0;swift=6.3.1"
        #elseif compiler(>=6.3)
        return "channelkit-entry=1;api=2.0;swift=6.3"
        #elseif compiler(>=6.2.3)
        return "channelkit-entry=1;api=2.0;swift=6.2.3"
        #elseif compiler(>=6.2.2)
        return "channelkit-entry=1;api=2.0;swift=6.2.2"
        #elseif compiler(>=6.2.1)
        return "channelkit-entry=1;api=2.0;swift=6.2.1"
        #elseif compiler(>=6.2)
        return "channelkit-entry=1;api=2.0;swift=6.2"
        #elseif compiler(>=6.1)
        return "channelkit-entry=1;api=2.0;swift=6.1"
        #else
        return "channelkit-entry=1;api=2.0;swift=6.0"
        #endif
    }
}
