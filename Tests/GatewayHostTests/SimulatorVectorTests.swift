import Foundation
import MinbeiProtocol
import SimulatorSupport
import Testing

/// Each bank simulator, as a real process, accepts its document's test vector exactly as the document writes it
/// — the signature made by the document, not by our code — and refuses it once a byte changes.
@Suite("Bank simulators reproduce their documents' test vectors")
struct SimulatorVectorTests {
    @Test("minbei-sim verifies the document's MD5 vector, Chinese subject included, and refuses a changed subject")
    func minbei() async throws {
        let directory = try TestDirectory("vector-minbei")
        let (simulator, url) = try await BankStack.startSimulator(MinbeiStack.setup, in: directory, arguments: [])
        try await stopping(simulator, stop: { _ = await $0.terminate() }) { _ in
        let fields: [(name: String, value: String)] = [
            ("service", "pay"), ("mer_id", "MB0001"), ("order_no", "pay_01J0000000000000000000000"), ("amount", "123.45"),
            ("cur", "156"), ("subject", "订单42"), ("notify_url", "http://127.0.0.1:8080/v1/notify/minbei"), ("sign_type", "MD5"),
        ]
        let gateway = url.appendingPathComponent("acq/gateway.do")
        let headers = ["Content-Type": "application/x-www-form-urlencoded; charset=GBK"]
        // The sign as the document prints it, not computed here.
        let vector = MinbeiForm(fields + [("sign", "49D4A899B292995B78411161EF29EDF4")])
        let answer = try await TestHTTP.post(gateway, body: Data(vector.encoded()!), headers: headers, signed: false)
        let form = try #require(MinbeiForm.decode(answer.body), "\(answer.text)")
        #expect(form["resp_code"] == "00", "\(form.fields)")
        #expect(MinbeiSigner(key: MinbeiStack.key).verify(form), "the simulator signs its answer the same way")

        var changed = fields
        changed[5] = ("subject", "订单43")
        let refused = try await TestHTTP.post(
            gateway, body: Data(MinbeiForm(changed + [("sign", "49D4A899B292995B78411161EF29EDF4")]).encoded()!),
            headers: headers, signed: false)
        #expect(MinbeiForm.decode(refused.body)?["resp_code"] == "A0", "\(refused.text)")

        let record = try await TestHTTP.get(url.appendingPathComponent("_sim/record"), signed: false).decode(SimRecord.self)
        #expect(record.requests.map(\.signature_valid) == [true, false])
        #expect(record.payments.map(\.subject) == ["订单42"])
        }
    }

    @Test("haixi-sim, given haixi-merchant-demo.pub and the vector's time, verifies the document's RSA vector; a changed byte is refused")
    func haixi() async throws {
        let directory = try TestDirectory("vector-haixi")
        let key = directory.path("haixi-merchant-demo.pub")
        try key.write(text: Self.merchantDemoPublicKey)
        let setup = BankSetup(
            channelId: "haixi", pluginFile: "libHaixi.so", simulatorProduct: "haixi-sim",
            simulatorArguments: ["--merchant", "HX310000001=\(key.path)"], config: { _, _ in "" }, environment: [:])
        // 2026-11-25 10:00:00 UTC+8: the vector's TxTime, so its 5-minute rule lets it through.
        let (simulator, url) = try await BankStack.startSimulator(setup, in: directory, arguments: ["--fixed-clock-ms", "1795572000000"])
        try await stopping(simulator, stop: { _ = await $0.terminate() }) { _ in
        let vector =
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Message>" + Self.signedBytes + "<Signature>" + Self.signature
            + "</Signature></Message>"
        let answer = try await TestHTTP.post(
            url.appendingPathComponent("gateway"), body: Data(vector.utf8), headers: ["Content-Type": "text/xml; charset=UTF-8"],
            signed: false)
        #expect(answer.text.contains("<RespCode>000000</RespCode>"), "\(answer.text)")
        #expect(answer.text.contains("<SerialNo>pay_01J0000000000000000000000</SerialNo>"), "\(answer.text)")

        let changed = vector.replacingOccurrences(of: "order 42", with: "order 43")
        let refused = try await TestHTTP.post(
            url.appendingPathComponent("gateway"), body: Data(changed.utf8), headers: ["Content-Type": "text/xml; charset=UTF-8"],
            signed: false)
        #expect(refused.text.contains("<RespCode>300001</RespCode>"), "\(refused.text)")
        let record = try await TestHTTP.get(url.appendingPathComponent("_sim/record"), signed: false).decode(SimRecord.self)
        #expect(record.requests.map(\.signature_valid) == [true, false])
        #expect(record.payments.map(\.amount) == [12345])
        }
    }

    /// keys/haixi-merchant-demo.pub of the bank documents (a public key: a demo value).
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

    /// haixi.md, "Signing": the vector's signed bytes and signature, as printed.
    static let signedBytes =
        "<Head><TxCode>1001</TxCode><MerId>HX310000001</MerId><TxTime>20261125100000</TxTime><SerialNo>pay_01J0000000000000000000000</SerialNo></Head><Body><Amount>12345</Amount><Currency>CNY</Currency><Subject>order 42</Subject><NotifyUrl>http://127.0.0.1:8080/v1/notify/haixi</NotifyUrl></Body>"
    static let signature =
        "XBSMNrYDM+ET2rBEuQT+5/o1o6LV1ekz4plfI2KWFoburZoR9DH/AXiRSmEIOBHzNKIdnxmclor0QF8ZoC012DfgB4pKPJnniosZh/+seyA60SR5x3smdHuKFE5foGebIqwxpJWwTvGjoLWSMd7UXo/JD3JxaAMQefjOQowmoE5uFXONsOthg4g/VuwTTVtVhapo8NDy0Z+ZVCc+V9C7vvBOMru90xE+ngvoWQ/tCCZKwyXi9l4geFo4a93PPXOeZ/YgcGxs82wl59eHXFW8MOw/ps+SqNSeeMBZloMjhWazVq1CBASBPrr6HP5coFnLTaYGjDI9ZGWrAUdB6VrzJg=="
}
