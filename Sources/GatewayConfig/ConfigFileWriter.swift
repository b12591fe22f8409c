import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Replaces a config file atomically: the new text goes to a hidden temporary file in the same directory
/// (which the config watcher ignores), is fsynced, takes the old file's permissions, and is renamed over the
/// old one; then the directory is fsynced. A reader — another gateway polling the directory — sees the old
/// file or the new one, never half of one.
public enum ConfigFileWriter {
    public static func replace(_ url: URL, with text: String) throws(ChannelConfigError) {
        try replace(url, bytes: Array(text.utf8))
    }

    /// The same for any bytes (a plugin file being installed).
    public static func replace(_ url: URL, bytes: [UInt8]) throws(ChannelConfigError) {
        let file = url.lastPathComponent
        let directory = url.deletingLastPathComponent().path
        let temporary = directory + "/.\(file).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        func fail(_ what: String) -> ChannelConfigError {
            ChannelConfigError(file: file, key: nil, "cannot write the file: \(what) (errno \(errno))")
        }
        var mode: mode_t = 0o644
        var status = stat()
        if stat(url.path, &status) == 0 { mode = status.st_mode & 0o7777 }
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw fail("open \(temporary)") }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                close(fd)
                unlink(temporary)
                throw fail("write")
            }
            written += n
        }
        fchmod(fd, mode)
        guard fsync(fd) == 0 else {
            close(fd)
            unlink(temporary)
            throw fail("fsync")
        }
        close(fd)
        guard rename(temporary, url.path) == 0 else {
            unlink(temporary)
            throw fail("rename")
        }
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            fsync(directoryFD)
            close(directoryFD)
        }
    }
}
