import Foundation
import GatewayAPI
import Testing

/// gatewayctl as a person uses it, against the real gateway: `channels` (the table, `--json`, exit 3 when
/// the gateway cannot be reached), and the merchant side: `sign` reproduces the issue's test vector and
/// prints a working curl command, `pay` and `payment` sign and send, a wrong secret exits 4 with the 401
/// code, and the secret is never printed.
@Suite("gatewayctl")
struct GatewayCtlTests {
    /// The environment variable the tests name with `--secret-env`.
    static let secretVariable = "GATEWAYCTL_TEST_SECRET"

    func run(_ arguments: [String], environment: [String: String] = [:], in directory: TestDirectory) async throws
        -> (status: Int32, stdout: String, log: String)
    {
        try await GatewayCtlRunner.run(arguments, environment: environment, in: directory)
    }

    @Test("channels prints the table and --json; an unreachable gateway exits 3 with a clear message")
    func channels() async throws {
        try await JiangnanStack.with("gatewayctl") { stack in
            let admin = stack.gateway.adminURL.absoluteString
            let token = ["--admin-token-file", stack.gateway.adminTokenFile.path]
            let table = try await run(["channels", "--admin-url", admin] + token, in: stack.directory)
            #expect(table.status == 0, "\(table.log)")
            let row = table.stdout.split(separator: "\n").first { $0.hasPrefix("jiangnan ") || $0.contains(" jiangnan ") }
            #expect(row?.contains("ready") == true, "\(table.stdout)")
            #expect(table.stdout.contains("libJiangnan.so"))

            let json = try await run(["channels", "--json", "--admin-url", admin] + token, in: stack.directory)
            #expect(json.status == 0)
            let decoded = try JSONDecoder().decode(AdminChannelsResponse.self, from: Data(json.stdout.utf8))
            #expect(decoded.channels.first?.id == "jiangnan" && decoded.channels.first?.state == .ready)

            let unreachable = try await run(["channels", "--admin-url", "http://127.0.0.1:9"], in: stack.directory)
            #expect(unreachable.status == 3)
            #expect(unreachable.log.contains("cannot reach the gateway"), "\(unreachable.log)")
        }
    }

    // MARK: signing

    static let vectorBody =
        #"{"merchant_order_id":"order-1001","amount":12345,"currency":"CNY","subject":"Tea","channel":"jiangnan"}"#
    static let vectorSignature = "8ff64e952aadbbb104d6e781e7d1cd5eb719a325affd15d64d334cfca5456772"

    @Test("sign reproduces the issue's request test vector, as header lines and as --json, from --body and --body-file")
    func signReproducesTheVector() async throws {
        let directory = try TestDirectory("gatewayctl-sign")
        let environment = [Self.secretVariable: "demo-merchant-secret"]
        let fixed = [
            "sign", "--merchant-id", "demo", "--secret-env", Self.secretVariable, "--timestamp", "1764057600000",
            "--nonce", "m-5d1e", "POST", "/v1/payments",
        ]
        let lines = try await run(fixed + ["--body", Self.vectorBody], environment: environment, in: directory)
        #expect(lines.status == 0, "\(lines.log)")
        #expect(
            lines.stdout == """
                X-Merchant-Id: demo
                X-Timestamp: 1764057600000
                X-Nonce: m-5d1e
                X-Signature: \(Self.vectorSignature)

                """, "\(lines.log)")
        // The vector's nonce is shorter than the gateway accepts: sign says so, on stderr.
        #expect(lines.log.contains("invalid_nonce"), "\(lines.log)")

        let bodyFile = directory.path("body.json")
        try Data(Self.vectorBody.utf8).write(to: bodyFile)
        let json = try await run(fixed + ["--body-file", bodyFile.path, "--json"], environment: environment, in: directory)
        #expect(json.status == 0, "\(json.log)")
        let headers = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: String], "\(json.log)")
        #expect(
            headers == [
                "X-Merchant-Id": "demo", "X-Timestamp": "1764057600000", "X-Nonce": "m-5d1e",
                "X-Signature": Self.vectorSignature,
            ])
        #expect(!json.log.contains("demo-merchant-secret") && !lines.log.contains("demo-merchant-secret"))
    }

    @Test("sign without the secret's variable is a usage error (64) that names the variable")
    func signWithoutSecret() async throws {
        let directory = try TestDirectory("gatewayctl-sign-no-secret")
        let result = try await run(
            ["sign", "--merchant-id", "demo", "--secret-env", "GATEWAYCTL_TEST_UNSET_VARIABLE", "GET", "/v1/payments/pay_1"],
            environment: ["GATEWAYCTL_TEST_UNSET_VARIABLE": ""], in: directory)
        #expect(result.status == 64, "\(result.log)")
        #expect(result.log.contains("GATEWAYCTL_TEST_UNSET_VARIABLE"), "\(result.log)")
        #expect(result.stdout.isEmpty)
    }

    // MARK: against the gateway

    @Test(
        "pay signs and creates a payment, payment reads it back, a replay is marked, a wrong secret exits 4 with invalid_signature and stores nothing, sign --curl works",
        .timeLimit(.minutes(5)))
    func payAgainstTheGateway() async throws {
        let secret = try #require(TestMerchants.secrets["m1"])
        try await JiangnanStack.with("gatewayctl-pay") { stack in
            let url = stack.gateway.merchantURL.absoluteString
            let environment = [Self.secretVariable: secret]
            let signing = ["--url", url, "--merchant-id", "m1", "--secret-env", Self.secretVariable]
            let orderId = "ctl-\(UUID().uuidString.prefix(8))"
            let payment = signing + ["--amount", "100", "--currency", "CNY", "--subject", "Tea", "--channel", "jiangnan"]

            // --json: the gateway's answer.
            let paid = try await run(["pay"] + payment + ["--order-id", orderId, "--json"], environment: environment, in: stack.directory)
            #expect(paid.status == 0, "\(paid.log)\n\(stack.gateway.readLog())")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(paid.stdout.utf8)) as? [String: Any], "\(paid.log)")
            #expect(json["status"] as? String == "succeeded", "\(paid.stdout)")
            #expect(json["merchant_order_id"] as? String == orderId)
            let id = try #require(json["id"] as? String)
            #expect(id.hasPrefix("pay_"))

            // The table; the same order id again is the stored payment, marked replayed.
            let replay = try await run(["pay"] + payment + ["--order-id", orderId], environment: environment, in: stack.directory)
            #expect(replay.status == 0, "\(replay.log)")
            let rows = Self.fields(replay.stdout)
            #expect(rows["payment"] == id && rows["status"] == "succeeded", "\(replay.stdout)")
            #expect(rows["replayed"]?.hasPrefix("yes") == true, "\(replay.stdout)")

            // A fresh order id by default.
            let fresh = try await run(["pay"] + payment, environment: environment, in: stack.directory)
            #expect(fresh.status == 0, "\(fresh.log)")
            #expect(Self.fields(fresh.stdout)["payment"].map { $0 != id && $0.hasPrefix("pay_") } == true, "\(fresh.stdout)")
            #expect(Self.fields(fresh.stdout)["replayed"] == nil)

            // payment ID and payment --order-id: a signed GET.
            let byId = try await run(["payment"] + signing + [id], environment: environment, in: stack.directory)
            #expect(byId.status == 0, "\(byId.log)")
            #expect(Self.fields(byId.stdout)["payment"] == id && Self.fields(byId.stdout)["status"] == "succeeded", "\(byId.stdout)")
            let byOrder = try await run(["payment"] + signing + ["--order-id", orderId, "--json"], environment: environment, in: stack.directory)
            #expect(byOrder.status == 0, "\(byOrder.log)")
            #expect(byOrder.stdout.contains("\"\(id)\""), "\(byOrder.stdout)")
            let missing = try await run(["payment"] + signing + ["pay_missing"], environment: environment, in: stack.directory)
            #expect(missing.status == 4 && missing.log.contains("payment_not_found"), "\(missing.log)")

            // A wrong secret: 401 invalid_signature, exit 4, and nothing was stored.
            let wrongOrderId = "ctl-wrong-\(UUID().uuidString.prefix(8))"
            let forged = try await run(
                ["pay"] + payment + ["--order-id", wrongOrderId], environment: [Self.secretVariable: secret + "-wrong"],
                in: stack.directory)
            #expect(forged.status == 4, "\(forged.log)")
            #expect(forged.log.contains("401") && forged.log.contains("invalid_signature"), "\(forged.log)")
            #expect(forged.stdout.isEmpty)
            let lookup = try await TestHTTP.get(
                stack.gateway.merchant("/v1/payments?merchant_order_id=\(wrongOrderId)"), headers: ["X-Merchant-Id": "m1"])
            #expect(lookup.status == 404 && lookup.errorCode == "payment_not_found", "\(lookup.text)")

            // No answer at all: exit 3.
            let unreachable = try await run(
                ["pay", "--url", "http://127.0.0.1:9", "--merchant-id", "m1", "--secret-env", Self.secretVariable]
                    + ["--amount", "100", "--currency", "CNY", "--subject", "Tea"],
                environment: environment, in: stack.directory)
            #expect(unreachable.status == 3, "\(unreachable.log)")
            #expect(unreachable.log.contains("cannot reach the gateway"), "\(unreachable.log)")

            // sign --curl prints a command that works as printed.
            let curlOrderId = "ctl-curl-\(UUID().uuidString.prefix(8))"
            let body = #"{"merchant_order_id":"\#(curlOrderId)","amount":250,"currency":"CNY","subject":"Tea 'n' cake","channel":"jiangnan"}"#
            let signed = try await run(
                ["sign", "--merchant-id", "m1", "--secret-env", Self.secretVariable, "--curl", url, "POST", "/v1/payments", "--body", body],
                environment: environment, in: stack.directory)
            #expect(signed.status == 0, "\(signed.log)")
            let command = signed.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(command.hasPrefix("curl ") && !command.contains("\n"), "\(command)")
            let (curlStatus, answer, errors) = try await MakeRunTests.shell(command)
            #expect(curlStatus == 0, "\(answer)\(errors)")
            let created = try #require(try? JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any], "\(answer)")
            #expect(created["status"] as? String == "succeeded" && created["merchant_order_id"] as? String == curlOrderId, "\(answer)")
            #expect(created["subject"] as? String == "Tea 'n' cake")

            // The secret is never printed.
            for output in [paid, replay, fresh, byId, byOrder, missing, forged, unreachable, signed] {
                #expect(!output.log.contains(secret), "\(output.log)")
            }
        }
    }

    /// The `field  value` lines of a payment table.
    static func fields(_ table: String) -> [String: String] {
        var fields: [String: String] = [:]
        for line in table.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2 else { continue }
            fields[String(parts[0])] = parts[1].trimmingCharacters(in: .whitespaces)
        }
        return fields
    }
}
