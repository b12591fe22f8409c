extension ScaffoldTemplates {
    /// `Tests/{{Module}}Tests/{{Module}}WireTests.swift` of a generated package.
    static let testsTestsWireTestsSwift = ScaffoldFile(
        "Tests/{{Module}}Tests/{{Module}}WireTests.swift",
        #"""
import {{Module}}Protocol
import Foundation
import Testing

/// The self-contained SHA-256 and HMAC-SHA256 against published vectors, and the wire format's signatures.
@Suite("{{Display}} wire format")
struct {{Module}}WireTests {
    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test("SHA-256 matches FIPS 180-4 vectors")
    func sha256() {
        #expect(Self.hex(SHA256.hash(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Self.hex(SHA256.hash([UInt8]())) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let long = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(Self.hex(SHA256.hash(long)) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test("HMAC-SHA256 matches RFC 4231 vectors")
    func hmac() {
        #expect(HMACSHA256.hex(key: "Jefe", message: Array("what do ya want for nothing?".utf8))
            == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        let longKey = [UInt8](repeating: 0xaa, count: 131)
        let message = Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)
        #expect(Self.hex(HMACSHA256.mac(key: longKey, message: message))
            == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    @Test("a signed message verifies with its key only, and not once tampered with")
    func signatures() throws {
        let fields = ["txn_id": "pay_1", "amount": "12345", "currency": "CNY", "subject": "Tea & <cakes> = 2"]
        let message = {{Module}}Wire.encode(fields, key: "k1")
        let header: (String) -> String? = { name in message.headers.first { $0.name.lowercased() == name.lowercased() }?.value }
        #expect(try {{Module}}Wire.decode(message.body, header: header, keys: ["k0", "k1"]) == fields)
        #expect(throws: {{Module}}WireError.badSignature) { try {{Module}}Wire.decode(message.body, header: header, keys: ["k2"]) }
        var tampered = message.body
        let digit = try #require(tampered.firstIndex(of: UInt8(ascii: "5")))
        tampered[digit] = UInt8(ascii: "6")
        #expect(throws: {{Module}}WireError.self) { try {{Module}}Wire.decode(tampered, header: header, keys: ["k1"]) }
    }
}
"""#)
}
