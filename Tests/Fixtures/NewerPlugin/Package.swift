// swift-tools-version:6.1
// Test fixture: a plugin built against a *newer* ChannelKit than the gateway's (plugin id `newer-plugin`).
//
// Not buildable in place: scripts/build-fixtures.sh stages this package next to a copy of Sources/ChannelKit
// overlaid with Tests/Fixtures/NewerChannelKit (one extra public API, `ChannelKitNext`), in
// .build/fixtures-build/newer-src/{ChannelKit,NewerPlugin}, and builds libNewerPlugin.so from there.
import PackageDescription

let package = Package(
    name: "NewerPlugin",
    products: [
        .library(name: "NewerPlugin", type: .dynamic, targets: ["NewerPlugin"]),
    ],
    dependencies: [
        .package(path: "../ChannelKit"),
    ],
    targets: [
        .target(
            name: "NewerPlugin",
            dependencies: [.product(name: "ChannelKit", package: "ChannelKit")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
