import Crypto
import Foundation
import MerchantAuth

#if canImport(Glibc)
import Glibc
#endif

/// The SHA-256 of a downloaded statement file, remembered beside it (`DATE.statement.sha256`) with the file's
/// size, modification time and inode, so that a re-run on the same file does not hash 200 MB again. Any change
/// of the file — a re-download is a rename, so a new inode; an edit changes the time — makes the record stale
/// and the file is hashed again. The record is written by temp file and rename, and a missing or unreadable
/// one only costs the hash.
enum StatementDigest {
    /// What identifies one version of the file.
    struct Stamp: Equatable {
        var size: Int64
        var modifiedSeconds: Int
        var modifiedNanoseconds: Int
        var inode: UInt64

        init?(of url: URL) {
            var info = stat()
            guard stat(url.path, &info) == 0 else { return nil }
            size = Int64(info.st_size)
            modifiedSeconds = Int(info.st_mtim.tv_sec)
            modifiedNanoseconds = Int(info.st_mtim.tv_nsec)
            inode = UInt64(info.st_ino)
        }

        var text: String { "\(size) \(modifiedSeconds).\(modifiedNanoseconds) \(inode)" }
    }

    static func recordURL(for url: URL) -> URL { url.appendingPathExtension("sha256") }

    /// The file's SHA-256 (lower-case hex): from the record when it matches the file, else hashed and recorded.
    static func sha256(of url: URL) async throws -> String {
        let before = Stamp(of: url)
        if let before, let recorded = recorded(for: url, stamp: before) { return recorded }
        let digest = try await hash(url)
        // Recorded only when the file did not change while it was hashed.
        if let before, Stamp(of: url) == before { record(digest, stamp: before, for: url) }
        return digest
    }

    static func hash(_ url: URL) async throws -> String {
        try await Task.detached {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            var hasher = SHA256()
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                hasher.update(data: chunk)
            }
            return Hex.encode(hasher.finalize())
        }.value
    }

    /// `sha256 size mtime inode`: the digest when the stamp is the file's.
    static func recorded(for url: URL, stamp: Stamp) -> String? {
        guard let data = FileManager.default.contents(atPath: recordURL(for: url).path), data.count < 512 else { return nil }
        let line = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let space = line.firstIndex(of: " ") else { return nil }
        let digest = line[..<space]
        guard digest.count == 64, digest.allSatisfy(\.isHexDigit), line[line.index(after: space)...] == stamp.text else {
            return nil
        }
        return String(digest)
    }

    static func record(_ digest: String, stamp: Stamp, for url: URL) {
        let target = recordURL(for: url)
        let temporary = target.deletingLastPathComponent()
            .appendingPathComponent(".\(target.lastPathComponent).\(UUID().uuidString).partial")
        guard FileManager.default.createFile(atPath: temporary.path, contents: Data("\(digest) \(stamp.text)\n".utf8)) else {
            return
        }
        if rename(temporary.path, target.path) != 0 { try? FileManager.default.removeItem(at: temporary) }
    }
}
