import Foundation
import Testing

extension LiveOperationsTests {
    /// Retiring a channel, and deleting its file: what is open on it is never stranded. Real gateway, real
    /// libJiangnan.so, a real simulator per channel.
    @Suite("Retiring a channel: it drains, then stops", .serialized)
    struct ChannelRetirementTests {
        static func status(_ stack: ChannelOpsStack, _ gateway: GatewayProcess, _ id: String) async throws -> String? {
            try await TestHTTP.get(gateway.merchant("/v1/payments/\(id)"), headers: ["X-Merchant-Id": "m1"]).string("status")
        }

        @Test("retire with a pending payment: no new payments reach it, recovery resolves the pending one, a refund works, only then it stops")
        func retireDrainsThenStops() async throws {
            try await ChannelOpsStack.with("retire", processingDelayMs: 5000) { stack in
                let gateway = stack.gateways[0]
                let original = try stack.configText("x")
                let early = try await stack.pay(gateway, order: "early", channel: "x")
                let earlyId = try #require(early.string("id"), "\(early.text)")
                let open = try await stack.pay(gateway, order: "open", channel: "x", subject: "[sim:processing] open")
                let openId = try #require(open.string("id"), "\(open.text)")
                #expect(open.string("status") != "succeeded")

                let retire = try await stack.gatewayctl(["channels", "retire", "x", "--reason", "moving to y"], gateway: gateway)
                #expect(retire.status == 0, "\(retire.log)")
                #expect(retire.stdout.contains("online retired"), "\(retire.stdout)")
                let xPays = try await stack.payRequests("x")

                let named = try await stack.pay(gateway, order: "named", channel: "x")
                #expect(named.status == 422 && named.errorCode == "channel_offline", "\(named.text)")
                let unnamed = try await stack.pay(gateway, order: "unnamed")
                #expect(unnamed.status == 201 && unnamed.string("channel") == "y", "\(unnamed.text)")
                let refund = try await TestHTTP.post(
                    gateway.merchant("/v1/payments/\(earlyId)/refunds"),
                    body: JSONSerialization.data(withJSONObject: ["merchant_refund_id": "r-retire", "amount": 100]),
                    headers: ["X-Merchant-Id": "m1"])
                #expect(refund.status == 201, "\(refund.text)")
                // Succeeded at once, or (on a slow machine) resolved shortly after: the channel still serves it.
                let refundId = try #require(refund.string("id"))
                let refunded = try await ChannelOpsStack.eventually(within: .seconds(20)) {
                    try await TestHTTP.get(gateway.merchant("/v1/refunds/\(refundId)"), headers: ["X-Merchant-Id": "m1"])
                        .string("status") == "succeeded"
                }
                #expect(refunded, "the refund of an earlier payment on the retired channel did not succeed")

                // Draining while the payment is open; it is resolved by recovery (its notification goes nowhere).
                var stoppedWhileOpen = false
                let resolved = try await ChannelOpsStack.eventually(within: .seconds(30)) {
                    let channel = try await stack.adminChannel("x", on: gateway)
                    let done = try await Self.status(stack, gateway, openId) == "succeeded"
                    if !done, channel["state"] as? String == "stopped" { stoppedWhileOpen = true }
                    return done
                }
                #expect(resolved, "the pending payment on the retired channel was not resolved")
                #expect(!stoppedWhileOpen, "the channel stopped while a payment on it was open")
                let stopped = try await ChannelOpsStack.eventually(within: .seconds(5)) {
                    try await stack.adminChannel("x", on: gateway)["state"] as? String == "stopped"
                }
                #expect(stopped, "the retired channel did not stop once nothing was open")
                #expect(try await stack.payRequests("x") == xPays, "a new payment reached the retired channel")
                #expect(gateway.readLog().contains("retired channel stopped"))

                // The file: one line added after `online:`, every other line as it was.
                let retired = try stack.configText("x").components(separatedBy: "\n")
                var expected = original.components(separatedBy: "\n")
                let onlineLine = try #require(expected.firstIndex(of: "online: true"))
                #expect(retired[onlineLine + 1].hasPrefix("retired: true  # set by tests at "), "\(retired)")
                #expect(retired[onlineLine + 1].hasSuffix(": moving to y"))
                expected.insert(retired[onlineLine + 1], at: onlineLine + 1)
                #expect(retired == expected)

                // Now its file may go: the channel disappears, and nothing is reported.
                try FileManager.default.removeItem(at: stack.configFile("x"))
                let gone = try await ChannelOpsStack.eventually(within: .seconds(3)) {
                    let view = try await TestHTTP.get(gateway.admin("/admin/channels"), headers: gateway.adminHeaders).json
                    let ids = (view["channels"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
                    return !ids.contains("x") && (view["config_errors"] as? [Any])?.isEmpty == true
                }
                #expect(gone)
            }
        }

        @Test("deleting the file of a channel with an open payment is reported; the channel drains, then goes")
        func deletedFileDrains() async throws {
            try await ChannelOpsStack.with("retire-deleted", processingDelayMs: 4000) { stack in
                let gateway = stack.gateways[0]
                let open = try await stack.pay(gateway, order: "open", channel: "x", subject: "[sim:processing] open")
                let openId = try #require(open.string("id"), "\(open.text)")
                try FileManager.default.removeItem(at: stack.configFile("x"))
                let reported = try await ChannelOpsStack.eventually(within: .seconds(3)) {
                    let errors = try await TestHTTP.get(gateway.admin("/admin/channels"), headers: gateway.adminHeaders)
                        .json["config_errors"] as? [[String: Any]] ?? []
                    return errors.contains { ($0["file"] as? String) == "x.yaml" && ($0["message"] as? String)?.contains("open transaction") == true }
                }
                #expect(reported, "deleting the file of a channel with an open payment was not reported")
                let named = try await stack.pay(gateway, order: "named", channel: "x")
                #expect(named.errorCode == "channel_offline", "\(named.text)")
                let resolved = try await ChannelOpsStack.eventually(within: .seconds(30)) {
                    try await Self.status(stack, gateway, openId) == "succeeded"
                }
                #expect(resolved, "the open payment of the deleted channel was not resolved")
                let gone = try await ChannelOpsStack.eventually(within: .seconds(5)) {
                    let view = try await TestHTTP.get(gateway.admin("/admin/channels"), headers: gateway.adminHeaders).json
                    let ids = (view["channels"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
                    return !ids.contains("x") && (view["config_errors"] as? [Any])?.isEmpty == true
                }
                #expect(gone, "the drained channel of the deleted file was not removed, or its error not cleared")
            }
        }

        @Test("after a restart, open transactions of a channel whose file is gone are reported until the file is back")
        func orphanedAfterRestart() async throws {
            try await ChannelOpsStack.with("retire-orphan", processingDelayMs: 60_000) { stack in
                let open = try await stack.pay(stack.gateways[0], order: "orphan", channel: "x", subject: "[sim:processing] open")
                #expect(open.status == 201 && open.string("status") != "succeeded", "\(open.text)")
                let original = try stack.configText("x")
                try FileManager.default.removeItem(at: stack.configFile("x"))
                try await stack.restartGateway(0)
                let gateway = stack.gateways[0]
                let reported = try await ChannelOpsStack.eventually(within: .seconds(5)) {
                    let errors = try await TestHTTP.get(gateway.admin("/admin/channels"), headers: gateway.adminHeaders)
                        .json["config_errors"] as? [[String: Any]] ?? []
                    return errors.contains {
                        $0["file"] as? String == "(no file for channel x)"
                            && ($0["message"] as? String)?.contains("1 open transaction(s) on channel 'x'") == true
                    }
                }
                #expect(reported, "open transactions of a channel without a file were not reported after a restart")
                // The file back (retired, to drain): the report goes, the channel is there to resolve them.
                try stack.configFile("x").write(text: original.replacingOccurrences(of: "online: true", with: "online: true\nretired: true"))
                let cleared = try await ChannelOpsStack.eventually(within: .seconds(5)) {
                    let view = try await TestHTTP.get(gateway.admin("/admin/channels"), headers: gateway.adminHeaders).json
                    let ids = (view["channels"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
                    return ids.contains("x") && (view["config_errors"] as? [Any])?.isEmpty == true
                }
                #expect(cleared)
            }
        }
    }
}
