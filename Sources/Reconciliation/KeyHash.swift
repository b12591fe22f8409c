/// A fast, deterministic 64-bit hash of an id's bytes (FNV-1a over 8-byte words, finished with MurmurHash3's
/// fmix64). It places ids in the matcher's open-addressing tables; equality is always confirmed on the bytes,
/// so a collision costs a comparison, never a wrong match. Deterministic across processes (unlike `Hasher`),
/// which keeps a run's work reproducible.
enum KeyHash {
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(bytes.count)
        var index = 0
        let count = bytes.count
        while index + 8 <= count {
            h = (h ^ bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)) &* 0x0000_0100_0000_01B3
            h ^= h >> 29
            index += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while index < count {
            tail |= UInt64(bytes[index]) << shift
            shift += 8
            index += 1
        }
        h = (h ^ tail) &* 0x0000_0100_0000_01B3
        h ^= h >> 33
        h &*= 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        h &*= 0xc4ce_b9fe_1a85_ec53
        h ^= h >> 33
        return h
    }

    static func hash(_ text: String) -> UInt64 {
        var copy = text
        return copy.withUTF8 { hash(UnsafeRawBufferPointer($0)) }
    }
}
