// swift-tools-version:6.1
// ChannelKit: the contract between the gateway and its channel plugins.
//
// It is its own package so that libChannelKit.so exists exactly once in a running gateway: the gateway and
// every plugin link it dynamically, and protocol casts across the plugin boundary work (see
// docs/ARCHITECTURE.md). Library evolution keeps a plugin built against an older ChannelKit working with a
// newer gateway, and makes a plugin that needs a newer one fail at dlopen with an explicit undefined symbol.
import PackageDescription

let package = Package(
    name: "ChannelKit",
    products: [
        .library(name: "ChannelKit", type: .dynamic, targets: ["ChannelKit"]),
        // The conformance suite partners run in their own tests (docs/CONFORMANCE.md), with the transports and
        // the loopback HTTP server it drives a bank with. Foundation and ChannelKit only; linked (statically)
        // into test bundles, never into a plugin or libChannelKit.so, so it is no part of the plugin ABI.
        .library(name: "ChannelKitTesting", targets: ["ChannelKitTesting"]),
    ],
    targets: [
        .target(
            name: "ChannelKit",
            swiftSettings: [
                .swiftLanguageMode(.v6),
                // Foundation on Linux is not built with library evolution, so every file importing it warns
                // that binary compatibility "can't be guaranteed". Plugins are built with the gateway's
                // compiler and Foundation anyway (checked at load). The flag silences that warning only in
                // this module; scripts/check-warnings.sh builds ChannelKit without it and fails on any other.
                .unsafeFlags(["-enable-library-evolution"]),
                .unsafeFlags(Context.environment["CHANNELKIT_SHOW_WARNINGS"] == nil ? ["-suppress-warnings"] : []),
            ]
        ),
        .target(
            name: "ChannelKitTesting",
            dependencies: ["ChannelKit"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
