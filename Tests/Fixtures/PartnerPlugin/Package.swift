// swift-tools-version:6.1
// A channel plugin package as a partner team would write it outside the gateway's repository: it depends only
// on ChannelKit (by path here; a partner would use a branch or path of their checkout) and Foundation.
//
// Products:
// - PartnerBank (libPartnerBank.so, plugin id `partner-bank`): an in-memory "instant" test bank for CNY.
// - ThrowingPlugin (libThrowingPlugin.so, plugin id `throwing`): its init throws "no licence file".
//
// Built by scripts/build-fixtures.sh into .build/fixtures for the gateway's integration tests.
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "PartnerPlugin",
    products: [
        .library(name: "PartnerBank", type: .dynamic, targets: ["PartnerBank"]),
        .library(name: "ThrowingPlugin", type: .dynamic, targets: ["ThrowingPlugin"]),
    ],
    dependencies: [
        .package(path: "../../../Sources/ChannelKit"),
    ],
    targets: [
        .target(
            name: "PartnerBank",
            dependencies: [.product(name: "ChannelKit", package: "ChannelKit")],
            swiftSettings: strict
        ),
        .target(
            name: "ThrowingPlugin",
            dependencies: [.product(name: "ChannelKit", package: "ChannelKit")],
            swiftSettings: strict
        ),
    ]
)
