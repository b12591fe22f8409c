import Foundation

/// What a shared object defines, read from its ELF dynamic symbol table without loading it.
///
/// The gateway uses it to tell a copy of ChannelKit's own library from a plugin before dlopen (which would map a
/// second ChannelKit into the process): libChannelKit.so *defines* ChannelKit's symbols (`$s10ChannelKit…`), a
/// plugin only refers to them, and defines `channelkit_plugin_entry`. (SwiftPM on Linux writes no soname, so
/// the file's own name for itself cannot tell.)
public struct SharedObjectSymbols: Sendable, Equatable {
    /// It defines at least one of ChannelKit's Swift symbols.
    public var definesChannelKit: Bool
    /// It defines the plugin entry point.
    public var definesEntryPoint: Bool

    /// Whether the file looks like ChannelKit's own library: its symbols, and no plugin entry point.
    public var isChannelKitLibrary: Bool { definesChannelKit && !definesEntryPoint }

    static let channelKitPrefix = Array("$s10ChannelKit".utf8)
    static let entry = Array("channelkit_plugin_entry".utf8)

    /// The symbols of the 64-bit little-endian ELF file at `path`, or `nil` (not such a file, no symbol table).
    public static func read(_ path: String) -> SharedObjectSymbols? {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) else { return nil }
        return read(data)
    }

    /// The symbols in `data`, an ELF image.
    public static func read(_ data: Data) -> SharedObjectSymbols? {
        let bytes = ELFBytes(data: data)
        // "\x7FELF", 64-bit (class 2), little-endian (data 1), 64-byte section headers.
        guard bytes.count >= 64, bytes.u32(0) == 0x464C_457F, bytes.u8(4) == 2, bytes.u8(5) == 1, bytes.u16(58) == 64,
            let sections = bytes.offset(bytes.u64(40))
        else { return nil }
        let sectionCount = Int(bytes.u16(60))
        guard sections + sectionCount * 64 <= bytes.count else { return nil }
        for index in 0..<sectionCount {
            let header = sections + index * 64
            guard bytes.u32(header + 4) == 11 else { continue }  // SHT_DYNSYM
            let link = Int(bytes.u32(header + 40))
            guard link < sectionCount, let table = bytes.range(header), let strings = bytes.range(sections + link * 64)
            else { return nil }
            var result = SharedObjectSymbols(definesChannelKit: false, definesEntryPoint: false)
            var symbol = table.lowerBound + 24  // entry 0 is the null symbol
            while symbol + 24 <= table.upperBound {
                let name = Int(bytes.u32(symbol))
                let defined = bytes.u16(symbol + 6) != 0  // st_shndx != SHN_UNDEF
                if defined, name < strings.count {
                    let start = strings.lowerBound + name
                    if bytes.hasPrefix(channelKitPrefix, at: start, limit: strings.upperBound) { result.definesChannelKit = true }
                    if bytes.isString(entry, at: start, limit: strings.upperBound) { result.definesEntryPoint = true }
                }
                symbol += 24
            }
            return result
        }
        return nil
    }
}

/// Little-endian reads from an ELF image; callers check offsets against `count`.
private struct ELFBytes {
    var data: Data
    var count: Int { data.count }

    func u8(_ at: Int) -> UInt8 { data[data.startIndex + at] }

    func u16(_ at: Int) -> UInt16 { UInt16(u8(at)) | UInt16(u8(at + 1)) << 8 }

    func u32(_ at: Int) -> UInt32 { UInt32(u16(at)) | UInt32(u16(at + 2)) << 16 }

    func u64(_ at: Int) -> UInt64 { UInt64(u32(at)) | UInt64(u32(at + 4)) << 32 }

    /// `value` as an offset into the file, when it is one.
    func offset(_ value: UInt64) -> Int? { value <= UInt64(count) ? Int(value) : nil }

    /// The file range of the section whose header is at `header`, when it lies inside the file.
    func range(_ header: Int) -> Range<Int>? {
        guard header + 64 <= count, let start = offset(u64(header + 24)), let size = offset(u64(header + 32)),
            start + size <= count
        else { return nil }
        return start..<(start + size)
    }

    func hasPrefix(_ prefix: [UInt8], at start: Int, limit: Int) -> Bool {
        guard start + prefix.count <= limit else { return false }
        return prefix.indices.allSatisfy { u8(start + $0) == prefix[$0] }
    }

    /// Whether the NUL-terminated string at `start` is `text`.
    func isString(_ text: [UInt8], at start: Int, limit: Int) -> Bool {
        hasPrefix(text, at: start, limit: limit) && start + text.count < limit && u8(start + text.count) == 0
    }
}
