import Foundation
import Testing

@testable import HaixiProtocol

@Suite("Haixi protocol: the document's RSA vector, messages written byte for byte, envelopes read by a byte scan")
struct HaixiProtocolTests {
    /// keys/haixi-merchant-demo.pub of the bank documents (a public key: demo value, safe to carry).
    static let merchantDemoPublicKey = """
        -----BEGIN PUBLIC KEY-----
        MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAtSeLOR1ZWLoyRchamIpT
        Fu26Tog2t22q/PmRJJow5QlQivD2Xbsioj522/LU+MF7XzOGwcCPS563mueXK1rp
        ui9qLmSaNeEDIYXtY5bCVm1cAUuNudLM3o46GWjsnuTLAsciewJnEHIjDlk6MJgN
        6Okx9fX8hZRoMpYDbJUCJaePH2R1So/VTMp564O9iznEA9nkpJP5zOINOuzMFGg2
        E7jWAHw/BSnbbjW8AJMAiZobObjGPNmHLd+wDyFpfG63SL9z9H5vglpZZbVXGLyT
        eWecWSAzEZemZFy66jilcF2f3l1XsXvlTwmZ8qTsoybWgynItmqQtpER5QHxvBiR
        JwIDAQAB
        -----END PUBLIC KEY-----
        """

    /// The document's test vector (haixi.md, "Signing").
    static let vectorMessage = HaixiMessage(
        head: [("TxCode", "1001"), ("MerId", "HX310000001"), ("TxTime", "20261125100000"), ("SerialNo", "pay_01J0000000000000000000000")],
        body: [("Amount", "12345"), ("Currency", "CNY"), ("Subject", "order 42"), ("NotifyUrl", "http://127.0.0.1:8080/v1/notify/haixi")])
    static let vectorSignedBytes =
        "<Head><TxCode>1001</TxCode><MerId>HX310000001</MerId><TxTime>20261125100000</TxTime><SerialNo>pay_01J0000000000000000000000</SerialNo></Head><Body><Amount>12345</Amount><Currency>CNY</Currency><Subject>order 42</Subject><NotifyUrl>http://127.0.0.1:8080/v1/notify/haixi</NotifyUrl></Body>"
    static let vectorSignature =
        "XBSMNrYDM+ET2rBEuQT+5/o1o6LV1ekz4plfI2KWFoburZoR9DH/AXiRSmEIOBHzNKIdnxmclor0QF8ZoC012DfgB4pKPJnniosZh/+seyA60SR5x3smdHuKFE5foGebIqwxpJWwTvGjoLWSMd7UXo/JD3JxaAMQefjOQowmoE5uFXONsOthg4g/VuwTTVtVhapo8NDy0Z+ZVCc+V9C7vvBOMru90xE+ngvoWQ/tCCZKwyXi9l4geFo4a93PPXOeZ/YgcGxs82wl59eHXFW8MOw/ps+SqNSeeMBZloMjhWazVq1CBASBPrr6HP5coFnLTaYGjDI9ZGWrAUdB6VrzJg=="

    @Test("the document's vector: the message writes exactly its signed bytes, and its signature verifies with haixi-merchant-demo.pub")
    func signatureVector() throws {
        let signed = Self.vectorMessage.signedBytes
        #expect(String(decoding: signed, as: UTF8.self) == Self.vectorSignedBytes)
        let merchant = try HaixiVerifier(publicKeyPEM: Self.merchantDemoPublicKey)
        #expect(merchant.isValid(signature: Self.vectorSignature, over: signed))
        var tampered = signed
        tampered[tampered.count - 20] ^= 0x01
        #expect(!merchant.isValid(signature: Self.vectorSignature, over: tampered), "one changed byte")
        #expect(!merchant.isValid(signature: "not base64!", over: signed))
        #expect(!merchant.isValid(signature: String(Self.vectorSignature.dropFirst(4)), over: signed))
        let other = try HaixiSigner.generate()
        #expect(!(try HaixiVerifier(publicKeyPEM: other.publicKeyPEM)).isValid(signature: Self.vectorSignature, over: signed))
    }

    @Test("a generated key pair signs a message that the envelope reader finds, verifies and reads back, escapes included")
    func roundTrip() throws {
        let signer = try HaixiSigner.generate()
        let verifier = try HaixiVerifier(publicKeyPEM: signer.publicKeyPEM)
        let message = HaixiMessage(
            head: [("TxCode", "1001"), ("MerId", "HX310000001"), ("TxTime", "20261201101500"), ("SerialNo", "pay_x"),
                   ("RespCode", "000000"), ("RespMsg", "OK")],
            body: [("BankSerialNo", "HX00000000000000000001"), ("TxStatus", "00"), ("Amount", "100"),
                   ("Subject", "tea & <cakes> 茶"), ("FinishTime", "")])
        let bytes = try message.encoded(signedBy: signer)
        #expect(String(decoding: bytes, as: UTF8.self).contains("<Subject>tea &amp; &lt;cakes&gt; 茶</Subject>"))
        let envelope = try HaixiEnvelope.parse(bytes).get()
        #expect(Array(bytes[envelope.signedRange]) == message.signedBytes)
        #expect(verifier.isValid(signature: envelope.signature, over: bytes[envelope.signedRange]))
        #expect(envelope.head.map(\.name) == ["TxCode", "MerId", "TxTime", "SerialNo", "RespCode", "RespMsg"])
        #expect(envelope.head("RespCode", in: bytes) == "000000")
        #expect(envelope.body("Subject", in: bytes) == "tea & <cakes> 茶")
        #expect(envelope.body("FinishTime", in: bytes) == "")
        #expect(envelope.body("Missing", in: bytes) == nil)
        // The private key's PEM makes the same signer (a simulator that writes its key pair).
        let again = try HaixiSigner(privateKeyPEM: signer.privateKeyPEM)
        #expect(verifier.isValid(signature: try again.signature(over: message.signedBytes), over: message.signedBytes))
    }

    @Test("received bytes are verified as received: whitespace inside the signed part is signed; an empty Body reads")
    func asReceived() throws {
        let signer = try HaixiSigner.generate()
        let verifier = try HaixiVerifier(publicKeyPEM: signer.publicKeyPEM)
        let signed = "<Head>\n  <TxCode>2001</TxCode>\n  <SerialNo>pay_y</SerialNo>\n</Head><Body></Body>"
        let text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<Message>\n\(signed)\n<Signature>\(try signer.signature(over: Array(signed.utf8)))</Signature>\n</Message>\n"
        let bytes = Array(text.utf8)
        let envelope = try HaixiEnvelope.parse(bytes).get()
        #expect(String(decoding: bytes[envelope.signedRange], as: UTF8.self) == signed)
        #expect(verifier.isValid(signature: envelope.signature, over: bytes[envelope.signedRange]))
        #expect(envelope.body.isEmpty && envelope.head("TxCode", in: bytes) == "2001")
    }

    @Test("malformed envelopes are refused with what is wrong")
    func malformed() {
        let good = "<Message><Head><TxCode>1</TxCode></Head><Body><A>x</A></Body><Signature>c2ln</Signature></Message>"
        #expect((try? HaixiEnvelope.parse(Array(good.utf8)).get()) != nil)
        let cases: [(String, String)] = [
            ("<Head><TxCode>1</TxCode></Head><Body></Body><Signature>s</Signature>", "no <Message>"),
            ("junk<Message><Head></Head><Body></Body><Signature>s</Signature></Message>", "text before <Message>"),
            ("<Message><Body></Body><Signature>s</Signature></Message>", "<Message> does not begin with <Head>"),
            ("<Message><Head><A>1</A></Head><Body></Body></Message>", "</Body> not followed by <Signature>"),
            ("<Message><Head><A>1</A></Head><Body></Body><Signature>s</Signature></Message>junk", "</Signature> not followed by </Message> at the end"),
            ("<Message><Head><A>1</A><A>2</A></Head><Body></Body><Signature>s</Signature></Message>", "<A> is given twice"),
            ("<Message><Head><A>1<B>2</B></A></Head><Body></Body><Signature>s</Signature></Message>", "<A> holds markup"),
            ("<Message><Head><A x=\"1\">1</A></Head><Body></Body><Signature>s</Signature></Message>", "an element that is not a plain <Name>"),
            ("<Message><Head>text</Head><Body></Body><Signature>s</Signature></Message>", "text outside an element"),
            ("<Message><Head><A>1</Head><Body></Body><Signature>s</Signature></Message>", "<A> is not closed"),
        ]
        for (text, problem) in cases {
            #expect(throws: HaixiEnvelopeError(problem), "\(text)") { try HaixiEnvelope.parse(Array(text.utf8)).get() }
        }
        #expect(HaixiText.unescape(Array("a &bogus; b".utf8)) == nil)
        #expect(HaixiText.unescape(Array("&#x8336;&#33590;&quot;".utf8)) == "茶茶\"")
    }

    @Test("a key that is not one is refused without its text in the error")
    func badKeys() {
        let text = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LXNlY3JldA==\n-----END PRIVATE KEY-----"
        #expect(throws: HaixiKeyError.self) { try HaixiSigner(privateKeyPEM: text) }
        do {
            _ = try HaixiSigner(privateKeyPEM: text)
        } catch {
            #expect(!error.description.contains("c2VjcmV0"))
        }
        #expect(throws: HaixiKeyError.self) { try HaixiVerifier(publicKeyPEM: "nonsense") }
    }

    @Test("every RespCode of the document is listed with its meaning")
    func codes() {
        #expect(HaixiCode.all == ["000000", "100001", "200001", "200002", "200003", "200004", "300001", "300002", "300004", "300005", "999999"])
        #expect(HaixiCode.all.allSatisfy { HaixiCode.message(for: $0) != "unknown code" })
    }
}
