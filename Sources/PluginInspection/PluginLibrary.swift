import ChannelKit
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An opened plugin image and its C entry point.
///
/// Opened with `RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE` and never closed: the Swift runtime keeps pointers into
/// every image it has seen, so unmapping one is unsafe (see docs/ARCHITECTURE.md).
public struct PluginLibrary: @unchecked Sendable {
    /// `channelkit_plugin_entry(request)`.
    public typealias EntryPoint = @convention(c) (Int32) -> UnsafeMutableRawPointer?

    public static let entrySymbol = "channelkit_plugin_entry"

    public let path: String
    private let handle: UnsafeMutableRawPointer

    /// dlopens `path`, translating dlerror into a failure that says what happened.
    /// A copy of ChannelKit's own library is refused before dlopen: loading it would put a second ChannelKit
    /// in the process, whose types the gateway's casts do not recognise.
    public static func open(_ path: String) throws(PluginFailure) -> PluginLibrary {
        if SharedObjectSymbols.read(path)?.isChannelKitLibrary == true {
            throw PluginFailure(
                .channelKitLibrary,
                "this is a copy of ChannelKit's own library (libChannelKit.so: it defines ChannelKit's symbols and no "
                    + "channelkit_plugin_entry), not a plugin — remove it from the plugins directory: the gateway "
                    + "provides libChannelKit.so itself, and a plugin links the gateway's copy at load time (install "
                    + "only your plugin's .so)")
        }
        _ = dlerror()
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE) else {
            let message = lastError() ?? "unknown dlopen error"
            if let symbol = undefinedChannelKitSymbol(in: message) {
                throw missingSymbolFailure(symbol, build: PluginBuildMarker.scan(path), check: .host)
            }
            throw PluginFailure(.notLoadable, "cannot load the file as a shared library: \(message)")
        }
        return PluginLibrary(path: path, handle: handle)
    }

    /// The entry point, or a failure naming the missing symbol.
    public func entryPoint() throws(PluginFailure) -> EntryPoint {
        _ = dlerror()
        guard let symbol = dlsym(handle, Self.entrySymbol) else {
            let message = Self.lastError() ?? "symbol not found"
            throw PluginFailure(
                .noEntryPoint,
                "no entry point \(Self.entrySymbol) (\(message)); export it with PluginExport.entry")
        }
        return unsafeBitCast(symbol, to: EntryPoint.self)
    }

    private static func lastError() -> String? {
        guard let text = dlerror() else { return nil }
        return String(cString: text)
    }

    /// Why a plugin needs a ChannelKit symbol this gateway lacks, told from the build description the file
    /// carries (ChannelKit 2.0 and later) or its absence (1.x).
    public static func missingSymbolFailure(_ symbol: String, build: PluginBuildInfo?, check: PluginVersionCheck)
        -> PluginFailure
    {
        let host = check.hostAPI
        let detail = "(undefined symbol: \(symbol))"
        guard let build else {
            return PluginFailure(
                .channelKitVersionMismatch,
                "built against a ChannelKit older than 2.0 (the file carries no ChannelKit 2 build description); "
                    + "this gateway has ChannelKit \(host) — rebuild against ChannelKit \(check.hostMajor).x \(detail)")
        }
        if let plugin = PluginVersionCheck.parse(build.channelKitAPI), plugin.major == check.hostMajor {
            if plugin.minor > check.hostMinor {
                return PluginFailure(
                    .newerChannelKit,
                    "built against ChannelKit \(build.channelKitAPI), newer than this gateway's \(host) — rebuild "
                        + "against \(host) or upgrade the gateway \(detail)")
            }
            return PluginFailure(
                .channelKitVersionMismatch,
                "built against ChannelKit \(build.channelKitAPI) but needs a symbol this gateway's \(host) lacks — "
                    + "rebuild against this gateway's ChannelKit \(host) \(detail)")
        }
        return PluginFailure(
            .channelKitVersionMismatch,
            "built against ChannelKit \(build.channelKitAPI), this gateway has \(host) — rebuild against "
                + "ChannelKit \(check.hostMajor).x \(detail)")
    }

    /// `$s10ChannelKit…` from an "undefined symbol" dlerror text, if that is what it is.
    public static func undefinedChannelKitSymbol(in message: String) -> String? {
        guard let range = message.range(of: "undefined symbol: ") else { return nil }
        let symbol = message[range.upperBound...].prefix { !$0.isWhitespace && $0 != "," && $0 != ")" }
        return symbol.hasPrefix("$s10ChannelKit") ? String(symbol) : nil
    }
}
