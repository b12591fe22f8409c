import Testing

@testable import MinbeiProtocol

@Suite("Minbei protocol: the document's MD5 vector, GBK form posts, yuan strings")
struct MinbeiProtocolTests {
    /// The document's test vector (minbei.md, "Signing"), with the Chinese subject.
    static let vector = MinbeiForm([
        ("service", "pay"), ("mer_id", "MB0001"), ("order_no", "pay_01J0000000000000000000000"), ("amount", "123.45"),
        ("cur", "156"), ("subject", "订单42"), ("notify_url", "http://127.0.0.1:8080/v1/notify/minbei"), ("sign_type", "MD5"),
    ])

    @Test("the document's vector: the string to sign and sign=49D4A899B292995B78411161EF29EDF4, byte-exact")
    func signatureVector() throws {
        #expect(
            MinbeiSigner.stringToSign(Self.vector)
                == "amount=123.45&cur=156&mer_id=MB0001&notify_url=http://127.0.0.1:8080/v1/notify/minbei&order_no=pay_01J0000000000000000000000&service=pay&subject=订单42")
        let signer = MinbeiSigner(key: "mb-demo-key-0001")
        #expect(signer.signature(Self.vector) == "49D4A899B292995B78411161EF29EDF4")
        let signed = try #require(signer.signed(Self.vector))
        #expect(signed["sign"] == "49D4A899B292995B78411161EF29EDF4" && signed["sign_type"] == "MD5")
        #expect(signer.verify(signed))
        // Through the wire: encoded as GBK form bytes, decoded, still verifies.
        let body = try #require(signed.encoded())
        let received = try #require(MinbeiForm.decode(body))
        #expect(received == signed)
        #expect(signer.verify(received))
    }

    @Test("a changed value, a wrong key, a missing or lower-case sign, a missing sign_type do not verify; empty values are not signed")
    func verificationFailures() throws {
        let signer = MinbeiSigner(key: "mb-demo-key-0001")
        let signed = try #require(signer.signed(Self.vector))
        var changed = signed
        changed.fields[3].value = "123.46"
        #expect(!signer.verify(changed))
        #expect(!MinbeiSigner(key: "mb-demo-key-0002").verify(signed))
        #expect(!signer.verify(MinbeiForm(signed.fields.filter { $0.name != "sign" })))
        #expect(!signer.verify(MinbeiForm(signed.fields.filter { $0.name != "sign_type" })))
        var lower = signed
        lower.fields[lower.fields.count - 1].value = lower.fields[lower.fields.count - 1].value.lowercased()
        #expect(!signer.verify(lower))
        var withEmpty = Self.vector
        withEmpty.fields.append(("reason", ""))
        #expect(signer.signature(withEmpty) == "49D4A899B292995B78411161EF29EDF4")
    }

    @Test("GBK: Chinese text round-trips byte-exact; characters outside GBK and bytes that are not GBK are refused")
    func gbk() throws {
        #expect(GBK.encode("订单42") == [0xB6, 0xA9, 0xB5, 0xA5, 0x34, 0x32])
        #expect(GBK.decode([0xB6, 0xA9, 0xB5, 0xA5, 0x34, 0x32]) == "订单42")
        let chinese = "闽北农村信用社 退款：一杯茶 (refund) ￥"
        #expect(GBK.encode(chinese).flatMap(GBK.decode) == chinese)
        #expect(GBK.encode("") == [])
        #expect(GBK.encode("tea 🍵") == nil, "an emoji has no GBK form")
        #expect(GBK.decode([0xB6]) == nil, "half a character")
        #expect(GBK.decode([0xFF, 0xFF]) == nil)
    }

    @Test("form bodies: percent-encoded GBK both ways, '+' is a space; bad escapes, bad GBK, a field without '=', a name twice are refused")
    func form() throws {
        let form = MinbeiForm([("subject", "订单 42&x=y"), ("amount", "1.00"), ("remark", "")])
        let body = try #require(form.encoded())
        #expect(String(decoding: body, as: UTF8.self) == "subject=%B6%A9%B5%A5%2042%26x%3Dy&amount=1.00&remark=")
        #expect(MinbeiForm.decode(body) == form)
        #expect(MinbeiForm.decode(Array("subject=a+b".utf8))?["subject"] == "a b")
        #expect(MinbeiForm.decode(Array("a=%B6%A9".utf8))?["a"] == "订")
        #expect(MinbeiForm.decode(Array("a=%B".utf8)) == nil)
        #expect(MinbeiForm.decode(Array("a=%ZZ".utf8)) == nil)
        #expect(MinbeiForm.decode(Array("a=%B6".utf8)) == nil)
        #expect(MinbeiForm.decode(Array("a".utf8)) == nil)
        #expect(MinbeiForm.decode(Array("a=1&a=2".utf8)) == nil)
        #expect(MinbeiForm.decode(Array("".utf8)) == MinbeiForm([]))
        #expect(MinbeiForm([("subject", "🍵")]).encoded() == nil)
    }

    @Test("yuan strings ↔ fen: every sampled amount from 0.01 to 99,999,999.99 converts both ways exactly")
    func yuanRoundTrip() throws {
        var samples: [Int64] = Array(0...20_000)
        samples += [99_999, 100_000, 100_001, 123_45, 9_999_999_999, 9_999_999_998, 1_000_000_000, 999_999_999]
        var generator = SplitMix(seed: 42)
        for _ in 0..<200_000 { samples.append(Int64(generator.next() % 9_999_999_999) + 1) }
        // One expectation over all samples (an #expect each would cost more than the conversions).
        var wrong: [String] = []
        for fen in samples {
            let expected = "\(fen / 100)." + String(String(fen % 100 + 100).suffix(2))
            guard let text = MinbeiAmount.string(minorUnits: fen), text == expected, MinbeiAmount.minorUnits(text) == fen else {
                wrong.append("\(fen) → \(MinbeiAmount.string(minorUnits: fen) ?? "nil")")
                continue
            }
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(10))")
        #expect(samples.count > 200_000)
        #expect(MinbeiAmount.string(minorUnits: 1) == "0.01")
        #expect(MinbeiAmount.string(minorUnits: 12_345) == "123.45")
        #expect(MinbeiAmount.string(minorUnits: 9_999_999_999) == "99999999.99")
        #expect(MinbeiAmount.string(minorUnits: 10_000_000_000) == nil)
        #expect(MinbeiAmount.string(minorUnits: -1) == nil)
    }

    @Test("malformed yuan strings are not amounts: 1.2, 1.234, -1.00, 1e3 and the like")
    func yuanMalformed() {
        for text in [
            "1.2", "1.234", "-1.00", "1e3", "", "1", "100", ".50", "1.", "01.00", "00.01", "+1.00", " 1.00", "1.00 ",
            "1,00", "1.0a", "１.００", "100000000.00", "1.-1", "0x1.00", "1e3.00", "NaN", "1.00\n",
        ] {
            #expect(MinbeiAmount.minorUnits(text) == nil, "\(text) was read as an amount")
        }
        #expect(MinbeiAmount.minorUnits("0.00") == 0)
        #expect(MinbeiAmount.minorUnits("0.01") == 1)
        #expect(MinbeiAmount.minorUnits("99999999.99") == 9_999_999_999)
    }

    @Test("every resp_code of the document is listed with its meaning")
    func codes() {
        #expect(MinbeiCode.all == ["00", "09", "05", "51", "61", "94", "25", "A0", "91", "96", "B1"])
        #expect(MinbeiCode.all.allSatisfy { MinbeiCode.message(for: $0) != "unknown code" })
        #expect(MinbeiCode.message(for: "77") == "unknown code")
    }
}

/// A small deterministic generator for samples.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
