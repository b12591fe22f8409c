import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension LiveOperationsTests {
    /// Channels taken offline, back online, reconfigured and refused live, under a steady flow of payments:
    /// real gateways, real libJiangnan.so, a real simulator per channel, real gatewayctl.
    @Suite("Live channel operations: online/offline, reload, invalid edits, endpoint swap", .serialized)
    struct LiveChannelOpsTests {
        static func date(_ text: String) -> Date? {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            return formatter.date(from: text)
        }

        /// The lines of `after` that differ from `before` (same line count expected).
        static func changedLines(_ before: String, _ after: String) -> [(Int, String, String)] {
            let old = before.components(separatedBy: "\n")
            let new = after.components(separatedBy: "\n")
            guard old.count == new.count else { return [(-1, "\(old.count) lines", "\(new.count) lines")] }
            return zip(old, new).enumerated().compactMap { index, pair in pair.0 == pair.1 ? nil : (index + 1, pair.0, pair.1) }
        }

        @Test("offline under a 50/s flow: zero failures, no pay reaches X 1 s after, refunds/queries/recovery on X work, only the online line changes; online restores X")
        func offlineAndOnlineUnderFlow() async throws {
            try await ChannelOpsStack.with("ops-toggle") { stack in
                let gateway = stack.gateways[0]
                let original = try stack.configText("x")
                let early = try await stack.pay(gateway, order: "early", channel: "x")
                #expect(early.status == 201 && early.string("status") == "succeeded", "\(early.text)")
                let earlyId = try #require(early.string("id"))

                let flow = PaymentFlow(label: "toggle")
                let merchantURL = gateway.merchantURL
                let flowStart = ContinuousClock.now
                let flowTask = Task { await flow.run(gateway: merchantURL, perSecond: 50) }
                try await Task.sleep(for: .seconds(2))
                // Left open at the bank (processing for 1.5 s); its notification goes nowhere: only recovery resolves it.
                let open = try await stack.pay(gateway, order: "open", channel: "x", subject: "[sim:processing] open")
                #expect(open.status == 201 && open.string("status") != "succeeded", "\(open.text)")
                let openId = try #require(open.string("id"))

                let off = try await stack.gatewayctl(["channels", "offline", "x", "--reason", "bank maintenance", "--json"], gateway: gateway)
                let offDone = ContinuousClock.now
                #expect(off.status == 0, "\(off.log)")
                let offAnswer = try JSONSerialization.jsonObject(with: Data(off.stdout.utf8)) as? [String: Any]
                #expect((offAnswer?["channel"] as? [String: Any])?["online"] as? Bool == false, "\(off.stdout)")
                let offAt = try #require(Self.date(offAnswer?["changed_at"] as? String ?? ""), "\(off.stdout)")
                try await Task.sleep(for: .seconds(1))
                let xPaysAtCutoff = try await stack.paidTransactions("x")

                // While X is offline: a payment naming it is refused with a clear 4xx; its existing payments work.
                let named = try await stack.pay(gateway, order: "named-x", channel: "x")
                #expect(named.status == 422 && named.errorCode == "channel_offline", "\(named.text)")
                let refund = try await TestHTTP.post(
                    gateway.merchant("/v1/payments/\(earlyId)/refunds"),
                    body: JSONSerialization.data(withJSONObject: ["merchant_refund_id": "r-early", "amount": 40]),
                    headers: ["X-Merchant-Id": "m1"])
                #expect(refund.status == 201 && refund.string("status") == "succeeded", "\(refund.text)")
                let query = try await TestHTTP.get(gateway.merchant("/v1/payments/\(earlyId)"), headers: ["X-Merchant-Id": "m1"])
                #expect(query.status == 200 && query.string("status") == "succeeded", "\(query.text)")
                let resolved = try await ChannelOpsStack.eventually(within: .seconds(20)) {
                    try await TestHTTP.get(gateway.merchant("/v1/payments/\(openId)"), headers: ["X-Merchant-Id": "m1"])
                        .string("status") == "succeeded"
                }
                #expect(resolved, "the open payment on the offline channel was not resolved by recovery")

                // The file: `online: false` with who, when and why; every other line as it was.
                let offline = try stack.configText("x")
                let changes = Self.changedLines(original, offline)
                #expect(changes.count == 1, "\(changes)")
                if let (_, before, after) = changes.first {
                    #expect(before == "online: true")
                    #expect(after.hasPrefix("online: false  # set by tests at "), "\(after)")
                    #expect(after.hasSuffix(": bank maintenance"), "\(after)")
                }
                let shown = try await stack.adminChannel("x", on: gateway)
                #expect(shown["online"] as? Bool == false)
                #expect((shown["note"] as? String)?.contains("bank maintenance") == true, "\(shown)")

                // Whatever reached X after the cutoff was already in flight when the command returned (chosen before).
                let lateAtX = Set(try await stack.paidTransactions("x").dropFirst(xPaysAtCutoff.count))
                #expect(lateAtX.isSubset(of: flow.paymentIds(sentBefore: offDone)), "a new pay request reached X more than 1 s after offline: \(lateAtX)")

                let on = try await stack.gatewayctl(["channels", "online", "x", "--json"], gateway: gateway)
                let onDone = ContinuousClock.now
                #expect(on.status == 0, "\(on.log)")
                let onAnswer = try JSONSerialization.jsonObject(with: Data(on.stdout.utf8)) as? [String: Any]
                #expect((onAnswer?["channel"] as? [String: Any])?["online"] as? Bool == true, "\(on.stdout)")
                let onAt = try #require(Self.date(onAnswer?["changed_at"] as? String ?? ""), "\(on.stdout)")
                // At least 10 s and 500 payments of flow in all (a loaded machine may send a little slower than
                // 50/s), and 2 s after `online`.
                await flow.wait(untilSent: 500, notBefore: max(onDone + .seconds(2), flowStart + .seconds(10.5)))
                flow.stop()
                await flowTask.value

                let answers = flow.all
                #expect(answers.count >= 500, "only \(answers.count) payments in the flow")
                #expect(flow.failures.isEmpty, "\(flow.failures.prefix(5).map { "\($0.status) \($0.text)" })")
                // While X was offline in the gateway (its own clock: a request can wait a while in a loaded
                // gateway, so the test's send times do not say when it was routed).
                let duringOffline = answers.filter { answer in
                    guard let created = answer.createdAt.flatMap(Self.date) else { return false }
                    return created > offAt.addingTimeInterval(0.05) && created < onAt
                }
                #expect(!duringOffline.isEmpty)
                let strays = duringOffline.filter { $0.channel != "y" }
                #expect(strays.isEmpty, "sent while X was offline, not on Y: \(strays.prefix(3).map { "\($0.sentAt - offDone) \($0.text)" })")
                let afterOnline = answers.filter { $0.sentAt > onDone + .seconds(1) }
                #expect(!afterOnline.isEmpty && afterOnline.allSatisfy { $0.channel == "x" }, "traffic did not return to X")
                #expect(try await stack.payRequests("x") > xPaysAtCutoff.count + lateAtX.count)
            }
        }

        @Test("two gateways on one config directory both stop sending to X within 1 s of one toggle; a hand edit brings both back")
        func twoGatewaysShareOneToggle() async throws {
            try await ChannelOpsStack.with("ops-two-gateways", gateways: 2) { stack in
                let (a, b) = (stack.gateways[0], stack.gateways[1])
                let flows = [PaymentFlow(label: "a"), PaymentFlow(label: "b")]
                let tasks = zip(flows, [a.merchantURL, b.merchantURL]).map { flow, url in
                    Task { await flow.run(gateway: url, perSecond: 15) }
                }
                try await Task.sleep(for: .seconds(1.5))
                let off = try await stack.gatewayctl(["channels", "offline", "x"], gateway: a)
                let offDone = ContinuousClock.now
                #expect(off.status == 0, "\(off.log)")
                try await Task.sleep(for: .seconds(1))
                let cutoff = try await stack.paidTransactions("x")
                for gateway in [a, b] {
                    let named = try await stack.pay(gateway, order: "named-\(gateway.adminURL.port!)", channel: "x")
                    #expect(named.errorCode == "channel_offline", "\(named.text)")
                }
                try await Task.sleep(for: .seconds(2))
                let late = Set(try await stack.paidTransactions("x").dropFirst(cutoff.count))
                let inFlight = flows[0].paymentIds(sentBefore: offDone).union(flows[1].paymentIds(sentBefore: offDone))
                #expect(late.isSubset(of: inFlight), "a gateway still sent new payments to X 1 s after the toggle: \(late)")

                // By hand, no command: both gateways see the file change.
                try stack.edit("x") { $0.replacingOccurrences(of: "online: false", with: "online: true  # back") }
                let backOn = ContinuousClock.now
                try await Task.sleep(for: .seconds(1.5))
                for flow in flows { flow.stop() }
                for task in tasks { await task.value }
                for flow in flows {
                    #expect(flow.failures.isEmpty, "\(flow.failures.prefix(5).map { "\($0.status) \($0.text)" })")
                    let after = flow.all.filter { $0.sentAt > backOn + .seconds(1) }
                    #expect(!after.isEmpty && after.allSatisfy { $0.channel == "x" }, "a gateway did not pick up the hand edit within 1 s")
                }
            }
        }

        @Test("with polling off, a hand edit waits for SIGHUP, which applies it at once")
        func sighupAppliesAHandEdit() async throws {
            try await ChannelOpsStack.with("ops-sighup", gatewayArguments: ["--config-poll-ms", "0"]) { stack in
                let gateway = stack.gateways[0]
                try stack.edit("x") { $0.replacingOccurrences(of: "online: true", with: "online: false") }
                try await Task.sleep(for: .seconds(1.5))
                let before = try await stack.pay(gateway, order: "before-hup", channel: "x")
                #expect(before.status == 201, "the edit was applied without SIGHUP: \(before.text)")
                gateway.process.send(signal: SIGHUP)
                let applied = try await ChannelOpsStack.eventually(within: .seconds(1)) {
                    try await stack.adminChannel("x", on: gateway)["online"] as? Bool == false
                }
                #expect(applied, "SIGHUP did not apply the edit within 1 s")
                let after = try await stack.pay(gateway, order: "after-hup", channel: "x")
                #expect(after.errorCode == "channel_offline", "\(after.text)")
                let other = try await stack.pay(gateway, order: "after-hup-any")
                #expect(other.status == 201 && other.string("channel") == "y", "\(other.text)")
            }
        }

        @Test("an invalid edit is refused with file, line and key; the channel keeps its settings; config check says the same offline")
        func invalidEditsAreRefused() async throws {
            try await ChannelOpsStack.with("ops-invalid", channels: ["x"]) { stack in
                let gateway = stack.gateways[0]
                let original = try stack.configText("x")
                // (name, edit, the line of the key, the key); a YAML syntax error has a line but no key.
                let cases: [(String, (String) -> String, Int?, String?)] = [
                    ("bad YAML", { $0.replacingOccurrences(of: "currencies: [CNY]", with: "currencies: [CNY") }, nil, nil),
                    ("unknown key", { $0.replacingOccurrences(of: "max_amount: 5000000", with: "max_amount: 5000000\nmax_amont: 1") }, 10, "max_amont"),
                    ("bad type", { $0.replacingOccurrences(of: "request_ms: 8000", with: "request_ms: soon") }, 10, "timeouts.request_ms"),
                ]
                for (index, (name, change, line, key)) in cases.enumerated() {
                    try stack.edit("x") { _ in change(original) }
                    let error = try await ChannelOpsStack.eventually(within: .seconds(3)) {
                        let errors = try await TestHTTP.get(gateway.admin("/admin/channels"), headers: gateway.adminHeaders)
                            .json["config_errors"] as? [[String: Any]] ?? []
                        return errors.contains { error in
                            error["file"] as? String == "x.yaml" && error["key"] as? String == key
                        }
                    }
                    #expect(error, "\(name): no config error reported")
                    let listed = try await TestHTTP.get(gateway.admin("/admin/channels"), headers: gateway.adminHeaders)
                    let reported = (listed.json["config_errors"] as? [[String: Any]])?.first { $0["file"] as? String == "x.yaml" }
                    #expect(reported?["key"] as? String == key, "\(name): \(String(describing: reported))")
                    #expect(reported?["line"] as? Int != nil, "\(name): \(String(describing: reported))")
                    if let line { #expect(reported?["line"] as? Int == line, "\(name): \(String(describing: reported))") }
                    // The channel serves with its previous settings.
                    let paid = try await stack.pay(gateway, order: "invalid-\(index)", channel: "x")
                    #expect(paid.status == 201 && paid.string("status") == "succeeded", "\(name): \(paid.text)")
                    // The same error offline, without a gateway.
                    let check = try await GatewayCtlRunner.run(["config", "check", stack.configDirectory.path], in: stack.directory)
                    #expect(check.status == 6, "\(name): \(check.log)")
                    if let line = reported?["line"] as? Int {
                        #expect(check.stdout.contains("x.yaml:\(line)"), "\(name): \(check.stdout)")
                    }
                    if let key { #expect(check.stdout.contains("key '\(key)'"), "\(name): \(check.stdout)") }
                    // A toggle refuses to edit a file that has an error.
                    let off = try await stack.gatewayctl(["channels", "offline", "x"], gateway: gateway)
                    #expect(off.status == 4 && off.log.contains("config_file_invalid"), "\(name): \(off.log)")
                }
                try stack.edit("x") { _ in original }
                let cleared = try await ChannelOpsStack.eventually(within: .seconds(3)) {
                    (try await TestHTTP.get(gateway.admin("/admin/channels"), headers: gateway.adminHeaders)
                        .json["config_errors"] as? [Any])?.isEmpty == true
                }
                #expect(cleared)
                let check = try await GatewayCtlRunner.run(["config", "check", stack.configDirectory.path, "--json"], in: stack.directory)
                #expect(check.status == 0, "\(check.log)")
                let report = try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any]
                #expect((report?["errors"] as? [Any])?.isEmpty == true, "\(check.stdout)")
            }
        }

        @Test("an endpoint changed in the file moves new traffic to the new bank with zero failures, and the old transport is closed")
        func endpointSwapClosesTheOldTransport() async throws {
            try await ChannelOpsStack.with("ops-endpoint", channels: ["x"], spareBanks: ["z"]) { stack in
                let gateway = stack.gateways[0]
                let oldPort = stack.simulators["x"]!.baseURL.port!
                let flow = PaymentFlow(label: "swap")
                let merchantURL = gateway.merchantURL
                let task = Task { await flow.run(gateway: merchantURL, perSecond: 25) }
                try await Task.sleep(for: .seconds(2))
                let pid = gateway.process.pid
                let pooled = await ChannelOpsStack.eventually(within: .seconds(2)) {
                    TCPConnections.established(pid: pid, remotePort: oldPort) > 0
                }
                #expect(pooled, "the test sees no connection of the gateway to the bank (so it could not see one close)")
                let newEndpoint = stack.simulators["z"]!.baseURL.absoluteString
                try stack.edit("x") {
                    $0.replacingOccurrences(of: stack.simulators["x"]!.baseURL.absoluteString, with: newEndpoint)
                }
                let swapped = try await ChannelOpsStack.eventually(within: .seconds(3)) {
                    try await stack.adminChannel("x", on: gateway)["endpoint"] as? String == newEndpoint
                }
                #expect(swapped)
                let atSwap = try await stack.paidTransactions("x")
                let channel = try await stack.adminChannel("x", on: gateway)
                let built = try #require(Self.date((channel["self_check"] as? [String: Any])?["checked_at"] as? String ?? ""))
                try await Task.sleep(for: .seconds(2))
                flow.stop()
                await task.value
                #expect(flow.failures.isEmpty, "\(flow.failures.prefix(5).map { "\($0.status) \($0.text)" })")
                // Pay requests that reached the old bank after the swap were pinned to the old instance before it
                // (created before the new instance was built, on the gateway's clock, with 1 s to spare).
                let late = try await stack.paidTransactions("x").dropFirst(atSwap.count)
                let created = Dictionary(
                    flow.all.compactMap { answer in answer.paymentId.flatMap { id in answer.createdAt.flatMap(Self.date).map { (id, $0) } } },
                    uniquingKeysWith: { a, _ in a })
                let strays = late.filter { (created[$0] ?? .distantFuture) > built.addingTimeInterval(1) }
                #expect(strays.isEmpty, "new payments reached the old bank after the swap: \(strays)")
                #expect(try await stack.payRequests("z") > 0, "the new bank got no traffic")
                let closed = await ChannelOpsStack.eventually(within: .seconds(5)) {
                    TCPConnections.established(pid: pid, remotePort: oldPort) == 0
                }
                #expect(closed, "the gateway still holds connections to the old bank")
                #expect(gateway.readLog().contains("replaced channel instance drained and closed"))
            }
        }
    }
}
