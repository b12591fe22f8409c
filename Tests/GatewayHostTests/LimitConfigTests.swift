import ChannelKit
import Foundation
import GatewayConfig
import Testing

@testable import GatewayHost

/// The `limits:` sections of channel configs and of the merchants file: what is read, and every bad value refused
/// with the key (and, in a channel file, the line) instead of being ignored.
@Suite("Limits: config sections")
struct LimitConfigTests {
    static let base = """
        id: acme
        plugin: jiangnan
        online: true
        endpoint: http://127.0.0.1:9
        currencies: [CNY, USD]
        settings: {merchant_no: X}

        """

    static func parse(_ extra: String) throws(ChannelConfigError) -> ChannelConfigFile {
        try ChannelConfigFile.parse(contents: base + extra, fileName: "acme.yaml", directory: URL(fileURLWithPath: "/tmp"))
    }

    @Test("a channel's limits: caps by currency, its time zone, a merchant on it; min_amount at the top level")
    func channelLimits() throws {
        let file = try Self.parse(
            """
            min_amount: {CNY: 100}
            limits:
              time_zone: Asia/Shanghai
              daily_amount: {CNY: 5000000, USD: 70000}
              daily_count: 900
              merchants:
                m1: {min_amount: 200, max_amount: 90000, daily_count: 12}
            """)
        let cny = Currency(code: "CNY")!
        let usd = Currency(code: "USD")!
        #expect(file.minimumAmount?.value(for: cny) == 100 && file.minimumAmount?.value(for: usd) == nil)
        #expect(file.limits.timeZoneIdentifier == "Asia/Shanghai")
        #expect(file.limits.dailyAmount?.value(for: cny) == 5_000_000 && file.limits.dailyAmount?.value(for: usd) == 70_000)
        #expect(file.limits.dailyCount == 900)
        let m1 = try #require(file.limits.merchants["m1"])
        #expect(m1.minAmount?.value(for: usd) == 200 && m1.maxAmount?.value(for: cny) == 90_000 && m1.dailyCount == 12)
        #expect(try Self.parse("").limits.isEmpty)
    }

    @Test("bad limits are refused with their key and line", arguments: [
        ("limits: {daily_amount: 0}", "limits.daily_amount", "positive"),
        ("limits: {daily_count: -3}", "limits.daily_count", "positive"),
        ("limits: {daily_count: 1.5}", "limits.daily_count", "positive"),
        ("limits: {daily_amount: {EUR: 10}}", "limits.daily_amount.EUR", "does not list"),
        ("limits: {daily_amount: {XYZQ: 10}}", "limits.daily_amount.XYZQ", "ISO 4217"),
        ("limits: {time_zone: Mars/Olympus}", "limits.time_zone", "IANA"),
        ("limits: {max_amount: 10}", "limits.max_amount", "unknown key"),
        ("limits: {dayly_count: 10}", "limits.dayly_count", "unknown key"),
        ("limits: [1, 2]", "limits", "mapping"),
        ("limits:\n  merchants:\n    m1: {min_amount: 500, max_amount: 100}", "limits.merchants.m1.min_amount", "above max_amount"),
        ("limits:\n  merchants:\n    m1: {time_zone: UTC}", "limits.merchants.m1.time_zone", "unknown key"),
        ("min_amount: 0", "min_amount", "positive"),
    ])
    func badLimits(yaml: String, key: String, words: String) {
        do {
            _ = try Self.parse(yaml)
            Issue.record("accepted: \(yaml)")
        } catch {
            #expect(error.key == key, "\(error)")
            #expect(error.message.contains(words), "\(error)")
            #expect(error.line != nil, "\(error)")
        }
    }

    @Test("the merchants file: a merchant's limits are read; a bad one is refused naming merchants[i].limits…")
    func merchantLimits() throws {
        let directory = try TestDirectory("merchant-limits")
        let file = directory.path("merchants.yaml")
        try Data(
            """
            merchants:
              - id: m1
                secret_env: S
                limits: {max_amount: 500000, daily_amount: 20000000, daily_count: 2000, time_zone: Asia/Shanghai}
            """.utf8
        ).write(to: file)
        let merchants = try MerchantDirectory.load(file: file, environment: ["S": "secret-1"])
        let limits = try #require(merchants.merchant("m1")?.limits)
        #expect(limits.maxAmount == .all(500_000) && limits.dailyCount == 2000 && limits.timeZoneIdentifier == "Asia/Shanghai")

        try Data("merchants:\n  - id: m1\n    secret_env: S\n    limits: {daily_amount: -1}\n".utf8).write(to: file)
        #expect {
            try MerchantDirectory.load(file: file, environment: ["S": "secret-1"])
        } throws: { error in
            let refused = error as? MerchantConfigError
            return refused?.key == "merchants[0].limits.daily_amount" && refused?.message.contains("positive") == true
        }
    }

    @Test("the planner: merchant bounds refuse with limit_exceeded; holds for every configured daily cap, sorted by key, on the limit's day")
    func planner() throws {
        var entry = ChannelEntry(
            id: "acme", pluginId: "jiangnan", online: true, state: .ready, error: nil, configFile: "acme.yaml",
            limits: [CurrencyBound(Currency(code: "CNY")!, maximumMinorUnits: 1_000_000)],
            endpoint: URL(string: "http://127.0.0.1:9")!, timeouts: ChannelTimeouts(), manifest: nil, instance: nil)
        var channel = LimitSettings()
        channel.timeZoneIdentifier = "Asia/Shanghai"
        channel.dailyCount = 10
        var onChannel = LimitSettings()
        onChannel.maxAmount = .all(5_000)
        onChannel.dailyAmount = .all(50_000)
        channel.merchants = ["m1": onChannel]
        entry.limitSettings = channel
        var merchant = LimitSettings()
        merchant.minAmount = .all(100)
        merchant.dailyAmount = .perCurrency([Currency(code: "USD")!: 1])  // none for CNY: no hold
        let planner = LimitPlanner(merchantLimits: merchant)
        // 2026-12-01 17:00 UTC is 2026-12-02 01:00 in Shanghai.
        let now = Date(timeIntervalSince1970: 1_796_144_400)
        let money = { (units: Int64) in Money(minorUnits: units, currency: Currency(code: "CNY")!) }

        let holds = try planner.plan(merchantId: "m1", amount: money(1_000), entry: entry, now: now).get()
        #expect(holds.map(\.key) == ["channel:acme:CNY", "merchant_channel:m1:acme:CNY"])
        #expect(holds.allSatisfy { $0.day == "2026-12-02" })
        #expect(holds[0].capCount == 10 && holds[0].capAmount == nil && holds[1].capAmount == 50_000)

        let tooLarge = planner.plan(merchantId: "m1", amount: money(5_001), entry: entry, now: now)
        #expect(tooLarge == .failure(LimitRefusal(scope: .merchantChannel, kind: .maxAmount, channelId: "acme", merchantId: "m1", currency: "CNY", limit: 5_000)))
        let tooSmall = planner.plan(merchantId: "m1", amount: money(99), entry: entry, now: now)
        #expect(tooSmall == .failure(LimitRefusal(scope: .merchant, kind: .minAmount, channelId: nil, merchantId: "m1", currency: "CNY", limit: 100)))
        // Another merchant: only the channel's cap.
        #expect(try LimitPlanner(merchantLimits: nil).plan(merchantId: "m2", amount: money(99), entry: entry, now: now).get().map(\.key) == ["channel:acme:CNY"])
    }
}
