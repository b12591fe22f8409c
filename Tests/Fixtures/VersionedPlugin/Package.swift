// swift-tools-version:6.1
// One channel plugin (id `versioned-bank`) that scripts/build-fixtures.sh builds three times from the same
// sources — the same module, the same type names, the same entry point — with only Version.swift changed:
// 1.0.0, 2.0.0, and a 3.0.0 whose manifest is invalid. The gateway's upgrade tests load them side by side.
//
// Its bank is a real HTTP server run by the test (VersionRecordingBank): the plugin keeps no state, and sends
// its version in the `X-Plugin-Version` header of every request, which the bank records.
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

// build-fixtures.sh builds a staged copy of this package and names ChannelKit's absolute path.
let channelKit = Context.environment["CHANNELKIT_PATH"] ?? "../../../Sources/ChannelKit"

let package = Package(
    name: "VersionedPlugin",
    products: [
        .library(name: "VersionedBank", type: .dynamic, targets: ["VersionedBank"]),
    ],
    dependencies: [
        .package(path: channelKit),
    ],
    targets: [
        .target(
            name: "VersionedBank",
            dependencies: [.product(name: "ChannelKit", package: "ChannelKit")],
            swiftSettings: strict
        ),
    ]
)
