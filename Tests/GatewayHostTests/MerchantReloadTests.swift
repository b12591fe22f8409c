import Foundation
import MerchantAuth
import Testing

extension LiveOperationsTests {
    /// The merchants file reloads live: a merchant added pays at once, a secret rotates with both accepted, a
    /// previous secret removed is refused at once, a broken file changes nothing. Real gateway, real simulator.
    @Suite("Merchants file reload: added merchants, secret rotation")
    struct MerchantReloadTests {
        /// `POST /v1/payments` as `merchant`, signed with `secret` (not one of `TestMerchants`).
        static func pay(_ gateway: GatewayProcess, merchant: String, secret: String, order: String) async throws -> HTTPResult {
            let url = gateway.merchant("/v1/payments")
            let body = try JSONSerialization.data(withJSONObject: [
                "merchant_order_id": order, "amount": 100, "currency": "CNY", "subject": "reload",
            ])
            let signer = MerchantRequestSigner(merchantId: merchant, secret: secret)
            let headers = Dictionary(
                uniqueKeysWithValues: signer.headers(method: "POST", target: "/v1/payments", body: body).map { ($0.name, $0.value) })
            return try await TestHTTP.send("POST", url, body: body, headers: headers, signed: false)
        }

        static func merchantsYAML(extra: String) -> String {
            var yaml = "# merchants of this test\nmerchants:\n"
            for id in TestMerchants.secrets.keys.sorted() {
                yaml += "  - id: \(id)\n    secret_env: \(TestMerchants.variable(id))\n"
            }
            return yaml + extra
        }

        @Test("a merchant added can pay within 1 s; during a rotation both secrets work; the previous one removed is refused within 1 s")
        func addAndRotate() async throws {
            try await ChannelOpsStack.with(
                "merchant-reload", channels: ["x"],
                merchantsFile: { directory in
                    let file = directory.path("merchants.yaml")
                    try file.write(text: Self.merchantsYAML(extra: ""))
                    return file
                }
            ) { stack in
                let gateway = stack.gateways[0]
                let file = try #require(stack.merchantsFile)
                let old = "m9-old-secret-\(UUID().uuidString)"
                let new = "m9-new-secret-\(UUID().uuidString)"
                let oldFile = stack.directory.path("m9-old.secret")
                let newFile = stack.directory.path("m9-new.secret")
                try oldFile.write(text: old + "\n")
                try newFile.write(text: new + "\n")
                var order = 0
                func pay(_ secret: String) async throws -> HTTPResult {
                    order += 1
                    return try await Self.pay(gateway, merchant: "m9", secret: secret, order: "m9-\(order)")
                }

                let unknown = try await pay(old)
                #expect(unknown.status == 401 && unknown.errorCode == "unknown_merchant", "\(unknown.text)")

                try file.write(text: Self.merchantsYAML(extra: "  - id: m9\n    secret_file: \(oldFile.path)\n"))
                let added = try await ChannelOpsStack.eventually(within: .seconds(1)) { try await pay(old).status == 201 }
                #expect(added, "the merchant added to the file could not pay within 1 s")

                try file.write(text: Self.merchantsYAML(
                    extra: "  - id: m9\n    secret_file: \(newFile.path)\n    previous_secret_file: \(oldFile.path)\n"))
                let rotated = try await ChannelOpsStack.eventually(within: .seconds(1)) { try await pay(new).status == 201 }
                #expect(rotated, "the new secret was not accepted within 1 s")
                let stillOld = try await pay(old)
                #expect(stillOld.status == 201, "the previous secret was refused during the rotation: \(stillOld.text)")

                // A broken file changes nothing: both secrets still work, and reload says why it is refused.
                try file.write(text: "merchants: [\n")
                let reload = try await stack.gatewayctl(["config", "reload", "--json"], gateway: gateway)
                #expect(reload.status == 6, "\(reload.log)")
                let report = try JSONSerialization.jsonObject(with: Data(reload.stdout.utf8)) as? [String: Any]
                #expect((report?["merchants_error"] as? String)?.contains("merchants.yaml") == true, "\(reload.stdout)")
                #expect(!reload.stdout.contains(old) && !reload.stdout.contains(new))
                #expect(try await pay(new).status == 201)
                #expect(try await pay(old).status == 201)

                try file.write(text: Self.merchantsYAML(extra: "  - id: m9\n    secret_file: \(newFile.path)\n"))
                let refused = try await ChannelOpsStack.eventually(within: .seconds(1)) {
                    try await pay(old).errorCode == "invalid_signature"
                }
                #expect(refused, "the removed previous secret was still accepted 1 s later")
                #expect(try await pay(new).status == 201)
                let log = gateway.readLog()
                #expect(!log.contains(old) && !log.contains(new), "a merchant secret reached the log")
            }
        }
    }
}
