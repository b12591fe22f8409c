// swift-tools-version:6.1
// Test fixture: a plugin built against ChannelKit 1.0 (plugin id `legacy-bank`), as partners built them before
// 2.0. It depends on ../ChannelKit1, the ChannelKit 1.0 release kept unchanged for this purpose. The gateway
// (ChannelKit 2.0) must refuse the .so with a message that names 2.x: the file needs 1.0 symbols that 2.0
// removed, and carries no ChannelKit 2 build description.
//
// Built by scripts/build-fixtures.sh into .build/fixtures/libLegacyPlugin.so.
import PackageDescription

let package = Package(
    name: "LegacyPlugin",
    products: [
        .library(name: "LegacyPlugin", type: .dynamic, targets: ["LegacyPlugin"]),
    ],
    dependencies: [
        .package(path: "../ChannelKit1"),
    ],
    targets: [
        .target(
            name: "LegacyPlugin",
            dependencies: [.product(name: "ChannelKit", package: "ChannelKit1")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
