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
    ],
    targets: [
        .target(
            name: "ChannelKit",
            swiftSettings: [
                .swiftLanguageMode(.v6),
                .unsafeFlags(["-enable-library-evolution"]),
            ]
        ),
    ]
)
