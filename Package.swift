// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "BankChannelGateway",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gateway", targets: ["GatewayHost"]),
        .executable(name: "gatewayctl", targets: ["gatewayctl"]),
        .executable(name: "jiangnan-sim", targets: ["JiangnanSimulator"]),
        .executable(name: "haixi-sim", targets: ["HaixiSimulator"]),
        .executable(name: "minbei-sim", targets: ["MinbeiSimulator"]),
        .executable(name: "loadgen", targets: ["LoadGenerator"]),
        .executable(name: "statement-bench", targets: ["StatementBench"]),
        // Each bank channel is a plugin: a dynamic library loaded by the gateway at run time.
        .library(name: "Jiangnan", type: .dynamic, targets: ["JiangnanEntry"]),
        .library(name: "Haixi", type: .dynamic, targets: ["HaixiEntry"]),
        .library(name: "Minbei", type: .dynamic, targets: ["MinbeiEntry"]),
    ],
    dependencies: [
        .package(path: "Sources/ChannelKit"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        // The Jiangnan Rural Commercial Bank wire protocol (signing, messages, result codes), shared by the
        // channel plugin and the bank simulator. Self-contained: Foundation and swift-crypto only.
        .target(
            name: "JiangnanProtocol",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            path: "Sources/Channels/JiangnanProtocol",
            swiftSettings: strict
        ),
        .target(
            name: "Jiangnan",
            dependencies: [
                .product(name: "ChannelKit", package: "ChannelKit"),
                "JiangnanProtocol",
            ],
            path: "Sources/Channels/Jiangnan",
            swiftSettings: strict
        ),
        // libJiangnan.so's C entry point (see JiangnanPluginEntry.swift).
        .target(
            name: "JiangnanEntry",
            dependencies: ["Jiangnan", .product(name: "ChannelKit", package: "ChannelKit")],
            path: "Sources/Channels/JiangnanEntry",
            swiftSettings: strict
        ),
        // What every bank simulator needs: the fault plan and tags, the movable clock, the job scheduler, the
        // loopback-aware request context, the ready announcement, connection resets, the books and `/_sim/record`
        // (SimBook, SimRecord), the control API and the notifier.
        .target(
            name: "SimulatorSupport",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Sources/Channels/SimulatorSupport",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "JiangnanSimulator",
            dependencies: [
                "JiangnanProtocol",
                "SimulatorSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Sources/Channels/JiangnanSimulator",
            swiftSettings: strict
        ),
        // The Haixi City Commercial Bank wire protocol (RSA-SHA256 signing, messages written byte for byte,
        // envelopes read by a byte scan, result codes), shared by the channel plugin and the bank simulator.
        // Self-contained: Foundation and swift-crypto (with _CryptoExtras for RSA).
        .target(
            name: "HaixiProtocol",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            path: "Sources/Channels/HaixiProtocol",
            swiftSettings: strict
        ),
        // The Haixi City Commercial Bank channel plugin (libHaixi.so).
        .target(
            name: "Haixi",
            dependencies: [
                .product(name: "ChannelKit", package: "ChannelKit"),
                "HaixiProtocol",
            ],
            path: "Sources/Channels/Haixi",
            swiftSettings: strict
        ),
        // libHaixi.so's C entry point (see HaixiPluginEntry.swift).
        .target(
            name: "HaixiEntry",
            dependencies: ["Haixi", .product(name: "ChannelKit", package: "ChannelKit")],
            path: "Sources/Channels/HaixiEntry",
            swiftSettings: strict
        ),
        // haixi-sim: the Haixi bank simulator on SimulatorSupport's shared pieces.
        .executableTarget(
            name: "HaixiSimulator",
            dependencies: [
                "HaixiProtocol",
                "SimulatorSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Sources/Channels/HaixiSimulator",
            swiftSettings: strict
        ),
        // The Minbei Rural Credit Union wire protocol (GBK form posts, MD5 signing, yuan strings, result codes),
        // and gzip streams, shared by the channel plugin and the bank simulator. Self-contained: Foundation,
        // swift-crypto, the C library's iconv and zlib (the system library, CZlib).
        .systemLibrary(
            name: "CZlib",
            path: "Sources/Channels/CZlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(
            name: "MinbeiProtocol",
            dependencies: ["CZlib", .product(name: "Crypto", package: "swift-crypto")],
            path: "Sources/Channels/MinbeiProtocol",
            swiftSettings: strict
        ),
        .target(
            name: "Minbei",
            dependencies: [
                .product(name: "ChannelKit", package: "ChannelKit"),
                "MinbeiProtocol",
            ],
            path: "Sources/Channels/Minbei",
            swiftSettings: strict
        ),
        // libMinbei.so's C entry point (see MinbeiPluginEntry.swift).
        .target(
            name: "MinbeiEntry",
            dependencies: ["Minbei", .product(name: "ChannelKit", package: "ChannelKit")],
            path: "Sources/Channels/MinbeiEntry",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "MinbeiSimulator",
            dependencies: [
                "MinbeiProtocol",
                "SimulatorSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Sources/Channels/MinbeiSimulator",
            swiftSettings: strict
        ),
        // The merchant request and webhook signatures, shared by the gateway, gatewayctl, loadgen and tests.
        .target(
            name: "MerchantAuth",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        // A load generator that signs every request: closed loop (fixed concurrency) or open loop (constant rate).
        .executableTarget(
            name: "LoadGenerator",
            dependencies: [
                "MerchantAuth", "JiangnanProtocol",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: strict
        ),
        // Writes bank statements of any size in each bank's format and parses them through the real channels'
        // parsers, reporting time and peak RSS (BENCHMARKS.md, "Statement parsing").
        .executableTarget(
            name: "StatementBench",
            dependencies: [
                "Jiangnan", "JiangnanProtocol", "Minbei", "MinbeiProtocol", "Haixi", "HaixiProtocol",
                .product(name: "ChannelKit", package: "ChannelKit"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        // Channel config files: parsing with file/line/key errors, the in-place `online:` edit and the atomic
        // write, shared by the gateway and gatewayctl (`config check`, offline edits without a gateway).
        .target(
            name: "GatewayConfig",
            dependencies: [
                .product(name: "ChannelKit", package: "ChannelKit"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),
        // Reconciliation (对账): the compact ledger table, the matcher that classifies every statement line and
        // ledger row, and the discrepancy files. Pure: no store, no channel, no networking.
        .target(
            name: "Reconciliation",
            dependencies: [.product(name: "ChannelKit", package: "ChannelKit")],
            swiftSettings: strict
        ),
        // Plain Codable messages of the admin API, shared by the gateway and gatewayctl.
        .target(name: "GatewayAPI", swiftSettings: strict),
        // Loading a plugin file the way the gateway does (dlopen, entry point, build description, version
        // checks, plugin object, manifest), shared by the gateway and `gatewayctl plugins inspect`.
        .target(
            name: "PluginInspection",
            dependencies: [.product(name: "ChannelKit", package: "ChannelKit")],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "GatewayHost",
            dependencies: [
                "GatewayAPI", "GatewayConfig", "MerchantAuth", "Reconciliation", "PluginInspection",
                // Only `gateway recon-generate` writes statements in these banks' formats; the gateway itself
                // knows no bank.
                "MinbeiProtocol", "HaixiProtocol",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ChannelKit", package: "ChannelKit"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "gatewayctl",
            dependencies: [
                "GatewayAPI", "GatewayConfig", "MerchantAuth", "PluginInspection",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ReconciliationTests",
            dependencies: ["Reconciliation", .product(name: "ChannelKit", package: "ChannelKit")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "HaixiTests",
            dependencies: ["HaixiProtocol"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MinbeiChannelTests",
            dependencies: ["Minbei", "MinbeiProtocol", .product(name: "ChannelKit", package: "ChannelKit")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "HaixiChannelTests",
            dependencies: [
                "Haixi", "HaixiProtocol",
                .product(name: "ChannelKit", package: "ChannelKit"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "HaixiSimulatorTests",
            dependencies: [
                "Haixi", "HaixiProtocol", "HaixiSimulator", "SimulatorSupport",
                .product(name: "ChannelKit", package: "ChannelKit"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MinbeiTests",
            dependencies: ["MinbeiProtocol"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MerchantAuthTests",
            dependencies: ["MerchantAuth"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "JiangnanTests",
            dependencies: [
                "JiangnanProtocol", "Jiangnan", "JiangnanSimulator", "SimulatorSupport", "LoadGenerator", "MerchantAuth",
                .product(name: "ChannelKit", package: "ChannelKit"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "GatewayHostTests",
            dependencies: [
                "GatewayHost", "PluginInspection",
                "GatewayAPI", "GatewayConfig", "MerchantAuth", "JiangnanProtocol", "MinbeiProtocol", "HaixiProtocol", "SimulatorSupport",
                "Reconciliation",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ChannelKit", package: "ChannelKit"),
                .product(name: "ChannelKitTesting", package: "ChannelKit"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
    ]
)
