import Foundation
import JiangnanProtocol
import Testing

@testable import JiangnanSimulator
@testable import SimulatorSupport

/// The simulator signs its answers exactly as the document's test vector 2 says.
@Suite struct SimulatorResponseSignerTests {
    @Test("the simulator's response signer reproduces test vector 2")
    func vectorTwo() {
        let body = Data(
            #"{"code":"0000","msg":"ok","data":{"out_trade_no":"pay_01J0000000000000000000000","trade_no":"JN000000000000000001","status":"SUCCESS","amount":12345,"finished_at":"2026-11-25T16:00:01+08:00"}}"#
                .utf8)
        let signer = ResponseSigner(clock: SimulatorClock(.fixed(1_764_057_601_000)))
        let headers = signer.signatureHeaders(
            body: body, target: "/api/v1/pay", signer: JiangnanSigner(secret: "jn-demo-secret-0001"), nonce: "r-91c2d0")
        #expect(headers[HeaderName.timestamp] == "1764057601000")
        #expect(headers[HeaderName.nonce] == "r-91c2d0")
        #expect(headers[HeaderName.signature] == "f1d410ab77006354fd5d117c928a64b9df3b1817695fa24f6d9baba49f4148fe")
    }
}
