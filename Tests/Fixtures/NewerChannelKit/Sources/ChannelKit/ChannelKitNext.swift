// Test fixture, not part of ChannelKit: scripts/build-fixtures.sh lays this file over a copy of
// Sources/ChannelKit to make a "newer" ChannelKit with one API the gateway's libChannelKit.so lacks.

/// An API that only a newer ChannelKit has. Deliberately not inlinable: a plugin that calls it references the
/// symbol, so loading that plugin into a gateway with an older libChannelKit.so fails at dlopen with
/// `undefined symbol: $s10ChannelKit...`.
public enum ChannelKitNext {
    /// A feature level only the newer ChannelKit reports.
    public static func newerFeature() -> Int { 2 }
}
