import Foundation
import SimulatorSupport
import Testing

/// The three banks behind one gateway, each against its own simulator: routing and 限额限次 limits treat them
/// alike — a payment that names no channel goes down the rule's order, a channel whose daily count is used up
/// is skipped for the next.
@Suite("Three banks behind one gateway: routing and limits")
struct ThreeBankRoutingTests {
    static var jiangnan: BankSetup {
        BankSetup(
            channelId: "jiangnan", pluginFile: "libJiangnan.so", simulatorProduct: "jiangnan-sim",
            simulatorArguments: ["--merchant", "\(SimulatorProcess.merchantNumber)=\(SimulatorProcess.secret)"],
            config: { endpoint, timeout in JiangnanStack.jiangnanConfig(id: "jiangnan", endpoint: endpoint, requestTimeoutMs: timeout) },
            environment: [JiangnanStack.secretVariable: SimulatorProcess.secret])
    }

    /// `setup` with a daily count of 1 on its channel.
    static func oncePerDay(_ setup: BankSetup) -> BankSetup {
        var limited = setup
        let config = setup.config
        limited.config = { endpoint, timeout in config(endpoint, timeout) + "limits: {daily_count: 1}\n" }
        return limited
    }

    @Test("payments naming no channel go to minbei, then haixi, then jiangnan as each one's daily count is used up")
    func orderAndLimits() async throws {
        let routing = """
            rules:
              - name: cny
                match: {currency: CNY}
                channels: [minbei, haixi, jiangnan]

            """
        try await BankStack.with(
            Self.oncePerDay(MinbeiStack.setup), label: "three-banks", alsoBanks: [Self.oncePerDay(HaixiStack.setup), Self.jiangnan],
            extraConfigs: ["routing.yaml": routing]
        ) { stack in
            var channels: [String] = []
            var ids: [String] = []
            for index in 0..<4 {
                let paid = try await stack.pay("routed-\(index)", amount: 1000 + index, subject: "路由 \(index)", routed: true)
                #expect(paid.status == 201, "\(paid.text)")
                #expect(paid.string("status") == "succeeded", "\(paid.text)")
                channels.append(paid.string("channel") ?? "?")
                ids.append(paid.string("id") ?? "?")
            }
            #expect(channels == ["minbei", "haixi", "jiangnan", "jiangnan"], "\(channels)")
            // Each bank saw exactly its payments.
            #expect(try await stack.bankRecord().payments.map(\.transaction_id) == [ids[0]])
            #expect(try await stack.bankRecord(of: "haixi").payments.map(\.transaction_id) == [ids[1]])
            // A fifth names minbei itself: its limit refuses it, with no failover.
            let named = try await stack.pay("named-1", amount: 500, subject: "x")
            #expect(named.status == 422 && named.errorCode == "limit_exceeded", "\(named.text)")
        }
    }
}
