import Crypto
import Foundation
import Testing

@testable import GatewayHost

/// A statement's SHA-256 is remembered beside the file and used again only while the file is the same one.
@Suite struct StatementDigestTests {
    static func hex(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    @Test func theRecordIsUsedForTheSameFileAndNeverForAChangedOne() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("digest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("2026-11-24.statement")
        try Data("first version\n".utf8).write(to: file)

        #expect(try await StatementDigest.sha256(of: file) == Self.hex("first version\n"))
        let record = StatementDigest.recordURL(for: file)
        let recorded = try String(contentsOf: record, encoding: .utf8)
        #expect(recorded.hasPrefix(Self.hex("first version\n") + " "))

        // The same file: the record is what answers (shown by planting another digest with the file's stamp).
        let planted = String(repeating: "ab", count: 32)
        let stamp = try #require(StatementDigest.Stamp(of: file))
        StatementDigest.record(planted, stamp: stamp, for: file)
        #expect(try await StatementDigest.sha256(of: file) == planted)

        // Rewritten in place with the same size: another modification time, hashed again.
        try await Task.sleep(for: .milliseconds(20))
        let handle = try FileHandle(forWritingTo: file)
        try handle.write(contentsOf: Data("FIRST".utf8))
        try handle.close()
        #expect(try await StatementDigest.sha256(of: file) == Self.hex("FIRST version\n"))

        // Replaced by rename (a re-download) with the same bytes and time: a new inode, hashed again.
        StatementDigest.record(planted, stamp: try #require(StatementDigest.Stamp(of: file)), for: file)
        let replacement = directory.appendingPathComponent("new")
        try Data("FIRST version\n".utf8).write(to: replacement)
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        try FileManager.default.setAttributes([.modificationDate: attributes[.modificationDate]!], ofItemAtPath: replacement.path)
        #expect(rename(replacement.path, file.path) == 0)
        #expect(try await StatementDigest.sha256(of: file) == Self.hex("FIRST version\n"))

        // A damaged record only costs the hash.
        try Data("garbage".utf8).write(to: record)
        #expect(try await StatementDigest.sha256(of: file) == Self.hex("FIRST version\n"))
    }
}
