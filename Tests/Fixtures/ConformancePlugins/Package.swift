// swift-tools-version:6.1
// Conformance fixtures: one small, correct channel for the fixture bank (FixtureBankCore) and, per product, the
// same channel with one classic adapter bug switched on. The conformance tests (Tests/GatewayHostTests/
// Conformance) load each .so and run ChannelKitTesting's suite against it: the correct one passes every rule,
// each broken one fails exactly its rule.
//
// A partner-style package: it depends only on ChannelKit, by path. Built by scripts/build-fixtures.sh.
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "ConformancePlugins",
    products: [
        .library(name: "FixtureBank", type: .dynamic, targets: ["FixtureBank"]),
        .library(name: "FixtureTimeoutDeclined", type: .dynamic, targets: ["FixtureTimeoutDeclined"]),
        .library(name: "FixtureBusyDeclined", type: .dynamic, targets: ["FixtureBusyDeclined"]),
        .library(name: "FixtureWrongRefundTotals", type: .dynamic, targets: ["FixtureWrongRefundTotals"]),
        .library(name: "FixtureDropsStatementLine", type: .dynamic, targets: ["FixtureDropsStatementLine"]),
        .library(name: "FixtureUnverifiedNotification", type: .dynamic, targets: ["FixtureUnverifiedNotification"]),
        .library(name: "FixtureLogsSecret", type: .dynamic, targets: ["FixtureLogsSecret"]),
        .library(name: "FixtureRewritesId", type: .dynamic, targets: ["FixtureRewritesId"]),
    ],
    dependencies: [
        .package(path: "../../../Sources/ChannelKit"),
    ],
    targets: [
        .target(
            name: "FixtureBankCore",
            dependencies: [.product(name: "ChannelKit", package: "ChannelKit")],
            swiftSettings: strict
        ),
        .target(
            name: "FixtureBank",
            dependencies: ["FixtureBankCore", .product(name: "ChannelKit", package: "ChannelKit")],
            swiftSettings: strict
        ),
        .target(
            name: "FixtureTimeoutDeclined",
            dependencies: ["FixtureBankCore", .product(name: "ChannelKit", package: "ChannelKit")],
            swiftSettings: strict
        ),
        .target(
            name: "FixtureBusyDeclined",
            dependencies: ["FixtureBankCore", .product(name: "ChannelKit", package: "ChannelKit")],
            swiftSettings: strict
        ),
        .target(
            name: "FixtureWrongRefundTotals",
            dependencies: ["FixtureBankCore", .product(name: "ChannelKit", package: "ChannelKit")],
            swiftSettings: strict
        ),
        .target(
            name: "FixtureDropsStatementLine",
            dependencies: ["FixtureBankCore", .product(name: "ChannelKit", package: "ChannelKit")],
            swiftSettings: strict
        ),
        .target(
            name: "FixtureUnverifiedNotification",
            dependencies: ["FixtureBankCore", .product(name: "ChannelKit", package: "ChannelKit")],
            swiftSettings: strict
        ),
        .target(
            name: "FixtureLogsSecret",
            dependencies: ["FixtureBankCore", .product(name: "ChannelKit", package: "ChannelKit")],
            swiftSettings: strict
        ),
        .target(
            name: "FixtureRewritesId",
            dependencies: ["FixtureBankCore", .product(name: "ChannelKit", package: "ChannelKit")],
            swiftSettings: strict
        ),
    ]
)
