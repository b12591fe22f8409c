import Foundation

/// Finds a plugin's build description in the bytes of its file, for a file that cannot be dlopened.
///
/// Since ChannelKit 2.0 the description (`channelkit-entry=1;api=2.0;swift=6.3.1`) is one string literal in
/// the plugin (``ChannelKit/ChannelKitVersion/buildDescription``), so the file carries it verbatim. A file
/// without one was built against ChannelKit 1.x, whose description was assembled at run time.
public enum PluginBuildMarker {
    static let prefix = Array("channelkit-entry=".utf8)

    /// The first readable build description in the file, or `nil`.
    public static func scan(_ path: String) -> PluginBuildInfo? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return scan(data)
    }

    /// The first readable build description in `data`, or `nil`.
    public static func scan(_ data: Data) -> PluginBuildInfo? {
        var searchStart = data.startIndex
        while let range = data.range(of: Data(prefix), in: searchStart..<data.endIndex) {
            var end = range.lowerBound
            while end < data.endIndex, end - range.lowerBound < 96, data[end] >= 0x20, data[end] < 0x7F { end += 1 }
            if end < data.endIndex, data[end] == 0,
                let text = String(data: data[range.lowerBound..<end], encoding: .ascii),
                let info = try? PluginBuildInfo(parsing: text)
            {
                return info
            }
            searchStart = range.upperBound
        }
        return nil
    }
}
