import Foundation

/// A fresh temporary directory for one test, removed when the last reference goes away. Set
/// `GATEWAY_KEEP_TEST_DIRS=1` to keep it for a post-mortem.
final class TestDirectory: Sendable {
    /// The directory.
    let url: URL

    /// Creates `<tmp>/gateway-tests/<label>-<random>`.
    init(_ label: String) throws {
        let safe = String(label.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" }.prefix(40))
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("gateway-tests", isDirectory: true)
            .appendingPathComponent("\(safe)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// `url/name`, not created.
    func path(_ name: String) -> URL {
        url.appendingPathComponent(name)
    }

    /// Creates (if needed) and returns the subdirectory `name`.
    func subdirectory(_ name: String) throws -> URL {
        let dir = url.appendingPathComponent(name, isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    deinit {
        if ProcessInfo.processInfo.environment["GATEWAY_KEEP_TEST_DIRS", default: ""].isEmpty {
            try? FileManager.default.removeItem(at: url)
        }
    }
}

extension URL {
    /// Writes `text` as UTF-8 to this file.
    func write(text: String) throws {
        try Data(text.utf8).write(to: self, options: .atomic)
    }

    /// Copies `source` to this path (which must not exist).
    func copy(from source: URL) throws {
        try FileManager.default.copyItem(at: source, to: self)
    }
}
