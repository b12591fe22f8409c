import Foundation
import GatewayAPI
import Testing

/// The statement endpoint in the API's snake_case, its errors, and the two gatewayctl commands a partner
/// reaches for while testing a channel: `statements fetch` and `refund`. Real gateway, plugin and simulator.
@Suite("Statements fetch and refund, through the admin API and gatewayctl")
struct StatementsAndRefundCtlTests {
    static let secretVariable = "GATEWAYCTL_TEST_SECRET"

    @Test(
        "refund full, partial, retried once, over-refund refused; the statement's records in snake_case match the bank's; every error code; gatewayctl statements fetch",
        .timeLimit(.minutes(5)))
    func statementsAndRefunds() async throws {
        try await EndToEndLoadTests.ReconSimulatorTests.awayFromMidnightInShanghai()
        let secret = try #require(TestMerchants.secrets["m1"])
        // Transact two days in the past (bank and gateway clocks both shifted), so the day's statement exists.
        let twoDays: Int64 = 2 * 86_400_000
        let broken = """
            id: broken
            plugin: jiangnan
            online: false
            endpoint: http://127.0.0.1:9
            currencies: [CNY]
            settings: {merchant_no: "not a merchant number!"}
            credentials:
              secret: {env: \(JiangnanStack.secretVariable)}

            """
        try await JiangnanStack.with(
            "statements-refund", simulatorArguments: ["--clock-offset-ms=-\(twoDays)"],
            gatewayArguments: ["--channel-clock-offset-ms=-\(twoDays)"], extraConfigs: ["broken.yaml": broken]
        ) { stack in
            let environment = [Self.secretVariable: secret]
            let signing = ["--url", stack.gateway.merchantURL.absoluteString, "--merchant-id", "m1", "--secret-env", Self.secretVariable]
            func ctl(_ arguments: [String]) async throws -> (status: Int32, stdout: String, log: String) {
                try await GatewayCtlRunner.run(arguments, environment: environment, in: stack.directory)
            }
            let paid = try await stack.pay(["merchant_order_id": "sr-1", "amount": 1000, "currency": "CNY", "subject": "Tea", "channel": "jiangnan"])
            let paymentId = try #require(paid.string("id"))
            #expect(paid.string("status") == "succeeded", "\(paid.text)")
            let declined = try await stack.pay([
                "merchant_order_id": "sr-2", "amount": 2000, "currency": "CNY", "subject": "Gift [sim:insufficient-funds]",
                "channel": "jiangnan",
            ])
            #expect(declined.string("status") == "declined", "\(declined.text)")

            // Refunds: a partial one by id, its retry (stored answer, one bank refund), an over-refund, the rest.
            let first = try await ctl(["refund"] + signing + [paymentId, "--amount", "300", "--refund-id", "sr-r1", "--reason", "broken cup"])
            #expect(first.status == 0, "\(first.log)")
            let fields = Self.fields(first.stdout)
            #expect(fields["status"] == "succeeded" && fields["amount"] == "300 CNY (minor units)", "\(first.stdout)")
            #expect(fields["merchant_refund_id"] == "sr-r1" && fields["payment"] == paymentId, "\(first.stdout)")
            let refundId = try #require(fields["refund"])
            let retry = try await ctl(["refund"] + signing + [paymentId, "--amount", "300", "--refund-id", "sr-r1", "--reason", "broken cup", "--json"])
            #expect(retry.status == 0, "\(retry.log)")
            let retried = try JSONSerialization.jsonObject(with: Data(retry.stdout.utf8)) as? [String: Any]
            #expect(retried?["id"] as? String == refundId && retried?["status"] as? String == "succeeded", "\(retry.stdout)")
            #expect(try await stack.bankRecord().refunds.filter { $0.out_trade_no == paymentId }.count == 1, "a retry never refunds twice")
            let over = try await ctl(["refund"] + signing + [paymentId, "--amount", "701", "--refund-id", "sr-r2"])
            #expect(over.status == 4 && over.log.contains("refund_exceeds_remaining"), "\(over.log)")
            #expect(over.stdout.isEmpty)
            let rest = try await ctl(["refund"] + signing + [paymentId, "--amount", "700"])
            #expect(rest.status == 0, "\(rest.log)")
            #expect(rest.log.contains("refund id ctl-r-") && rest.log.contains("retry with --refund-id ctl-r-"), "\(rest.log)")
            #expect(Self.fields(rest.stdout)["status"] == "succeeded", "\(rest.stdout)")
            let badAmount = try await ctl(["refund"] + signing + [paymentId, "--amount", "0"])
            #expect(badAmount.status == 64, "\(badAmount.log)")
            let refunds = try await stack.bankRecord().refunds.filter { $0.out_trade_no == paymentId }
            #expect(refunds.map(\.refund_amount).sorted() == [300, 700], "\(refunds.map(\.refund_amount))")
            // A whole payment refunded in one go.
            let whole = try await stack.pay(["merchant_order_id": "sr-3", "amount": 500, "currency": "CNY", "subject": "Cup", "channel": "jiangnan"])
            let wholeId = try #require(whole.string("id"))
            let full = try await ctl(["refund"] + signing + [wholeId, "--amount", "500", "--refund-id", "sr-r3"])
            #expect(full.status == 0, "\(full.log)")
            #expect(Self.fields(full.stdout)["status"] == "succeeded" && Self.fields(full.stdout)["amount"] == "500 CNY (minor units)", "\(full.stdout)")
            #expect(try await stack.bankRecord().refunds.filter { $0.out_trade_no == wholeId }.map(\.refund_amount) == [500])

            // Back to real time on both sides (the gateway restarts on its ledger): that day has ended for the bank.
            _ = try await TestHTTP.post(
                URL(string: stack.simulator.baseURL.absoluteString + "/_sim/clock")!, body: Data(#"{"offset_ms": 0}"#.utf8))
            try await stack.restartGateway()
            let admin = ["--admin-url", stack.gateway.adminURL.absoluteString, "--admin-token-file", stack.gateway.adminTokenFile.path]

            // The day's statement through the admin API: snake_case records that match the bank's.
            let bank = try await stack.bankRecord()
            let date = String(try #require(bank.payments.first { $0.out_trade_no == paymentId }?.finished_at).prefix(10))
            let path = "/admin/channels/jiangnan/statements"
            let answer = try await TestHTTP.post(
                stack.gateway.admin("\(path)?date=\(date)&records=true"), body: Data(), headers: stack.gateway.adminHeaders)
            try #require(answer.status == 200, "\(answer.text)")
            let json = answer.json
            for key in ["business_date", "record_count", "issue_count"] { #expect(json[key] != nil, "\(key): \(answer.text)") }
            let summary = try answer.decode(AdminStatementSummary.self)
            #expect(summary.businessDate == date && summary.channel == "jiangnan" && summary.issues.isEmpty, "\(answer.text)")
            let records = try #require(summary.records)
            #expect(summary.recordCount == records.count && records.count == 6, "three payments, three refunds: \(answer.text)")
            let payment = try #require(records.first { $0.transactionId == paymentId })
            #expect(payment.kind == "payment" && payment.amount == 1000 && payment.currency == "CNY" && payment.status == "succeeded")
            #expect(payment.feeCurrency == "CNY" && payment.businessDate == date && payment.lineNumber > 1, "\(payment)")
            #expect(payment.bankTransactionId == bank.payments.first { $0.out_trade_no == paymentId }?.trade_no)
            #expect(payment.finishedAt?.hasPrefix(String(date.prefix(4))) == true, "\(payment)")
            let refundRecords = records.filter { $0.kind == "refund" && $0.originalTransactionId == paymentId }
            #expect(Set(refundRecords.map(\.amount)) == [300, 700], "\(records)")
            #expect(records.contains { $0.kind == "refund" && $0.amount == 500 && $0.originalTransactionId == wholeId }, "\(records)")
            #expect(refundRecords.contains { $0.transactionId == refundId }, "\(refundRecords)")
            #expect(records.contains { $0.status == "failed" && $0.amount == 2000 }, "the declined payment: \(records)")
            let raw = try #require(json["records"] as? [[String: Any]])
            #expect(raw.allSatisfy { $0["transaction_id"] is String && $0["line_number"] is Int && $0["transactionId"] == nil }, "\(raw)")
            let trailer = try #require(summary.trailer)
            #expect(trailer.recordCount == 6 && trailer.amountTotal > 0, "\(trailer)")
            let withoutRecords = try await TestHTTP.post(stack.gateway.admin("\(path)?date=\(date)"), body: Data(), headers: stack.gateway.adminHeaders)
            #expect(withoutRecords.status == 200 && withoutRecords.json["records"] == nil, "\(withoutRecords.text)")

            // Every error the endpoint answers, each with its code.
            func error(_ target: String) async throws -> (Int, String?) {
                let result = try await TestHTTP.post(stack.gateway.admin(target), body: Data(), headers: stack.gateway.adminHeaders)
                return (result.status, result.errorCode)
            }
            #expect(try await error(path) == (422, "invalid_date"), "no date")
            #expect(try await error("\(path)?date=2026-13-01") == (422, "invalid_date"), "no such month")
            #expect(try await error("\(path)?date=20261124") == (422, "invalid_date"), "not yyyy-MM-dd")
            #expect(try await error("\(path)?date=\(date)&records=yes") == (400, "invalid_request"))
            #expect(try await error("/admin/channels/nope/statements?date=\(date)") == (404, "unknown_channel"))
            let bankToday = ReconScheduleTests.shanghaiDate(Date())
            #expect(try await error("\(path)?date=\(bankToday)") == (409, "statement_not_ready"), "the bank's day has not ended")
            let future = ReconScheduleTests.shanghaiDate(Date().addingTimeInterval(3 * 86_400))
            #expect(try await error("\(path)?date=\(future)") == (422, "invalid_date"), "the bank refuses a day not begun")
            let brokenState = try await TestHTTP.get(stack.gateway.admin("/admin/channels/broken"), headers: stack.gateway.adminHeaders)
            #expect(brokenState.string("state") == "misconfigured", "\(brokenState.text)")
            #expect(try await error("/admin/channels/broken/statements?date=\(date)") == (503, "channel_unavailable"))

            // gatewayctl statements fetch: the summary table, --records, --json; usage and HTTP errors.
            let table = try await ctl(["statements", "fetch", "--channel", "jiangnan", "--date", date] + admin)
            #expect(table.status == 0, "\(table.log)")
            let row = table.stdout.split(separator: "\n").first { $0.hasPrefix("jiangnan ") }.map(String.init) ?? ""
            #expect(row.contains(date) && row.contains(summary.file) && row.contains("  6  ") && row.contains("6 records"), "\(table.stdout)")
            #expect(!table.stdout.contains("RECORDS\n"), "\(table.stdout)")
            let listed = try await ctl(["statements", "fetch", "--channel", "jiangnan", "--date", date, "--records"] + admin)
            #expect(listed.status == 0 && listed.stdout.contains("RECORDS"), "\(listed.log)")
            let line = listed.stdout.split(separator: "\n").first { $0.contains(refundId) }.map(String.init) ?? ""
            #expect(line.contains(" refund ") && line.contains(paymentId) && line.contains(" 300 "), "\(listed.stdout)")
            let asJSON = try await ctl(["statements", "fetch", "--channel", "jiangnan", "--date", date, "--json"] + admin)
            #expect(asJSON.status == 0, "\(asJSON.log)")
            let parsed = try JSONSerialization.jsonObject(with: Data(asJSON.stdout.utf8)) as? [String: Any]
            #expect(parsed?["record_count"] as? Int == 6 && parsed?["business_date"] as? String == date, "\(asJSON.stdout)")
            let badDate = try await ctl(["statements", "fetch", "--channel", "jiangnan", "--date", "2026-02-30"] + admin)
            #expect(badDate.status == 64 && badDate.log.contains("--date must be a date yyyy-MM-dd"), "\(badDate.log)")
            let unknown = try await ctl(["statements", "fetch", "--channel", "nope", "--date", date] + admin)
            #expect(unknown.status == 4 && unknown.log.contains("unknown_channel"), "\(unknown.log)")
            let notReady = try await ctl(["statements", "fetch", "--channel", "jiangnan", "--date", bankToday] + admin)
            #expect(notReady.status == 4 && notReady.log.contains("statement_not_ready"), "\(notReady.log)")
        }
    }

    /// `field  value` lines as a dictionary.
    static func fields(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2 else { continue }
            result[String(parts[0])] = parts[1].trimmingCharacters(in: .whitespaces)
        }
        return result
    }
}
