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
struct PluginLibrary: @unchecked Sendable {
    /// `channelkit_plugin_entry(request)`.
    typealias EntryPoint = @convention(c) (Int32) -> UnsafeMutableRawPointer?

    static let entrySymbol = "channelkit_plugin_entry"

    let path: String
    private let handle: UnsafeMutableRawPointer

    /// dlopens `path`, translating dlerror into a failure that says what happened.
    static func open(_ path: String) throws(PluginFailure) -> PluginLibrary {
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
    func entryPoint() throws(PluginFailure) -> EntryPoint {
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
    static func missingSymbolFailure(_ symbol: String, build: PluginBuildInfo?, check: PluginVersionCheck)
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
    static func undefinedChannelKitSymbol(in message: String) -> String? {
        guard let range = message.range(of: "undefined symbol: ") else { return nil }
        let symbol = message[range.upperBound...].prefix { !$0.isWhitespace && $0 != "," && $0 != ")" }
        return symbol.hasPrefix("$s10ChannelKit") ? String(symbol) : nil
    }
}
