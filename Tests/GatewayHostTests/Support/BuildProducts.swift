import Foundation

/// Where integration tests find what the build made: the `gateway` and `jiangnan-sim` executables and
/// libJiangnan.so in the package's bin dir, and the plugin fixtures made by `scripts/build-fixtures.sh`.
enum BuildProducts {
    /// The repository root, derived from this file's location (`Tests/GatewayHostTests/Support/`).
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `$GATEWAY_BIN_DIR`, else `<root>/.build/debug`.
    static var binDirectory: URL {
        directory(env: "GATEWAY_BIN_DIR", default: ".build/debug")
    }

    /// `$GATEWAY_FIXTURES_DIR`, else `<root>/.build/fixtures`.
    static var fixturesDirectory: URL {
        directory(env: "GATEWAY_FIXTURES_DIR", default: ".build/fixtures")
    }

    /// A file in the bin dir (an executable or libJiangnan.so); throws if it was not built.
    static func product(_ name: String) throws -> URL {
        try existing(binDirectory.appendingPathComponent(name), hint: "build it with `swift build`")
    }

    /// A fixture file; throws if the fixtures were not built.
    static func fixture(_ name: String) throws -> URL {
        try existing(fixturesDirectory.appendingPathComponent(name), hint: "run `bash scripts/build-fixtures.sh`")
    }

    private static func directory(env name: String, default relative: String) -> URL {
        if let value = ProcessInfo.processInfo.environment[name], !value.isEmpty {
            return URL(fileURLWithPath: value, isDirectory: true)
        }
        return repositoryRoot.appendingPathComponent(relative, isDirectory: true)
    }

    private static func existing(_ url: URL, hint: String) throws -> URL {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw HarnessError("\(url.path) does not exist: \(hint)")
        }
        return url
    }
}
