import Foundation
import Testing

@testable import HaixiProtocol

@Suite("Base64 as a stream (FileContent)")
struct Base64StreamDecoderTests {
    static func decode(_ text: [UInt8], pieces: Int) throws -> [UInt8] {
        var decoder = Base64StreamDecoder()
        var out: [UInt8] = []
        var start = 0
        while start < text.count {
            let end = min(text.count, start + pieces)
            try decoder.decode(text[start..<end], into: &out)
            start = end
        }
        try decoder.finish()
        return out
    }

    @Test("any split of the text decodes to Foundation's bytes; line breaks inside are skipped; every padding length")
    func matchesFoundation() throws {
        var generator = SystemRandomNumberGenerator()
        for length in [0, 1, 2, 3, 4, 5, 100_000, 100_001, 100_002] {
            let data = Data((0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) })
            for options in [Data.Base64EncodingOptions(), [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed]] {
                let text = Array(data.base64EncodedString(options: options).utf8)
                for pieces in [1, 3, 7, 4096, max(1, text.count)] where length < 10 || pieces > 2 {
                    #expect(try Self.decode(text, pieces: pieces) == Array(data), "length \(length), pieces \(pieces)")
                }
            }
        }
    }

    @Test("bad text is refused with where: a character outside the alphabet, data after padding, a cut-off group")
    func refused() {
        #expect(throws: Base64StreamError("character 3 is not base64")) { try Self.decode(Array("QU*B".utf8), pieces: 2) }
        #expect(throws: Base64StreamError("data after the padding at character 5")) { try Self.decode(Array("QQ==QUJD".utf8), pieces: 3) }
        #expect(throws: Base64StreamError("'=' at character 2 where data was expected")) { try Self.decode(Array("Q===".utf8), pieces: 4) }
        #expect(throws: Base64StreamError("the text ends inside a group of four (6 characters)")) { try Self.decode(Array("QUJDRE".utf8), pieces: 4) }
    }
}
