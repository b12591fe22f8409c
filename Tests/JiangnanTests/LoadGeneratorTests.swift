import Foundation
import JiangnanProtocol
import MerchantAuth
import NIOCore
import Testing

@testable import LoadGenerator

/// The load generator's pure parts: the open-loop schedule, the statistics, the report and the signed requests.
@Suite struct LoadGeneratorTests {
    // MARK: Open-loop schedule

    @Test func requestsAreDueAtFixedIntervalsFromTheStart() {
        let schedule = OpenLoopSchedule(rate: 500, warmup: .seconds(2), duration: .seconds(10))
        #expect(schedule.interval == .milliseconds(2))
        #expect(schedule.intendedOffset(ofRequest: 0) == .zero)
        #expect(schedule.intendedOffset(ofRequest: 1) == .milliseconds(2))
        #expect(schedule.intendedOffset(ofRequest: 1000) == .seconds(2))
        #expect(schedule.warmupCount == 1000)
        #expect(schedule.totalCount == 6000)
        #expect(schedule.measuredCount == 5000)
        #expect(!schedule.isMeasured(999))
        #expect(schedule.isMeasured(1000))
        #expect(schedule.isMeasured(5999))
        #expect(!schedule.isMeasured(6000))
    }

    @Test func intendedTimesDoNotAccumulateRoundingError() {
        // 1/3 s is not a whole number of nanoseconds; adding the interval up would drift by 1 ns per request.
        let schedule = OpenLoopSchedule(rate: 3, warmup: .seconds(1), duration: .seconds(1))
        #expect(schedule.intendedOffset(ofRequest: 1) == .nanoseconds(333_333_333))
        #expect(schedule.intendedOffset(ofRequest: 2) == .nanoseconds(666_666_667))
        #expect(schedule.intendedOffset(ofRequest: 3) == .seconds(1))
        #expect(schedule.intendedOffset(ofRequest: 3_000_000) == .seconds(1_000_000))
        #expect(schedule.warmupCount == 3)  // 0, 1/3, 2/3 s
        #expect(schedule.totalCount == 6)
    }

    @Test func countsAgreeWithTheOffsetsForFractionalRates() {
        for rate in [0.5, 1, 7, 333.3, 499.9, 1000, 12_345.6] {
            let schedule = OpenLoopSchedule(rate: rate, warmup: .milliseconds(1500), duration: .seconds(4))
            let warmupEnd = Duration.milliseconds(1500)
            let end = warmupEnd + .seconds(4)
            #expect(schedule.intendedOffset(ofRequest: schedule.warmupCount) >= warmupEnd)
            if schedule.warmupCount > 0 {
                #expect(schedule.intendedOffset(ofRequest: schedule.warmupCount - 1) < warmupEnd)
            }
            #expect(schedule.intendedOffset(ofRequest: schedule.totalCount) >= end)
            #expect(schedule.intendedOffset(ofRequest: schedule.totalCount - 1) < end)
        }
    }

    @Test func noWarmupMeasuresFromTheFirstRequest() {
        let schedule = OpenLoopSchedule(rate: 100, warmup: .zero, duration: .seconds(1))
        #expect(schedule.warmupCount == 0)
        #expect(schedule.totalCount == 100)
        #expect(schedule.isMeasured(0))
    }

    @Test func latencyRunsFromTheIntendedSendTime() {
        // Due at 10 ms, sent late at 14 ms because the client fell behind, answered at 25 ms: 15 ms, not 11 ms.
        let late = OpenLoopSchedule.latency(intended: .milliseconds(10), completed: .milliseconds(25))
        #expect(late == .milliseconds(15))
        #expect(OpenLoopSchedule.latency(intended: .milliseconds(10), completed: .milliseconds(9)) == .zero)
    }

    @Test func dueRequestsWaitInOrderForAFreeWorker() async {
        let queue = TicketQueue<Int>()
        queue.push(1)
        queue.push(2)
        #expect(await queue.next() == 1)
        #expect(await queue.next() == 2)
        async let waiting = queue.next()  // nothing due yet: waits
        try? await Task.sleep(for: .milliseconds(20))
        queue.push(3)
        #expect(await waiting == 3)
        for ticket in 4...3000 { queue.push(ticket) }
        for ticket in 4...3000 { #expect(await queue.next() == ticket) }
        queue.finish()
        #expect(await queue.next() == nil)
    }

    // MARK: Statistics

    @Test func failedRequestsCountInTheLatencyDroppedOnesDoNot() {
        var statistics = LoadStatistics()
        for ms in 1...98 {
            statistics.record(.success(detail: "succeeded"), latency: .milliseconds(ms), completedAt: nil)
        }
        // Two timeouts after 10 s: 2% of the requests sent, so the p99 is a timeout, not a success.
        statistics.record(.failure(kind: "timeout"), latency: .seconds(10), completedAt: nil)
        statistics.record(.failure(kind: "timeout"), latency: .seconds(10), completedAt: nil)
        statistics.record(.failure(kind: RequestOutcome.droppedKind), latency: nil, completedAt: nil)
        let latency = statistics.latencySummary
        #expect(abs(latency.p50 - 50) < 0.1)
        #expect(abs(latency.p90 - 90) < 0.1)
        #expect(abs(latency.p99 - 10_000) < 10)
        #expect(abs(latency.max - 10_000) < 10)
        #expect(statistics.latencies.totalCount == 100)
        #expect(statistics.successes == 98)
        #expect(statistics.errors == 3)
        #expect(statistics.requests == 101)
    }

    @Test func mergingAddsCountsAndKeepsTheLastCompletion() {
        let clock = ContinuousClock()
        let early = clock.now
        let late = early + .seconds(1)
        var a = LoadStatistics()
        a.record(.success(detail: "SUCCESS"), latency: .milliseconds(1), completedAt: late)
        a.record(.failure(kind: "timeout"), latency: .zero, completedAt: early)
        var b = LoadStatistics()
        b.record(.success(detail: "SUCCESS"), latency: .milliseconds(3), completedAt: early)
        b.record(.failure(kind: "timeout"), latency: .zero, completedAt: nil)
        b.record(.failure(kind: RequestOutcome.droppedKind), latency: nil, completedAt: nil)
        a.merge(b)
        #expect(a.successesByDetail == ["SUCCESS": 2])
        #expect(a.errorsByKind == ["timeout": 2, "dropped": 1])
        #expect(a.lastCompletion == late)
        #expect(a.latencies.totalCount == 4)  // the dropped request has no latency
    }

    // MARK: Report

    private func sampleReport(mode: LoadReport.Mode = .open) -> LoadReport {
        var statistics = LoadStatistics()
        // 1000 latencies sent: 10 µs, 20 µs, ... 9.99 ms (successes) and 10 ms (the 503).
        for step in 1...999 {
            statistics.record(.success(detail: "succeeded"), latency: .microseconds(step * 10), completedAt: nil)
        }
        statistics.record(.failure(kind: "http_503"), latency: .milliseconds(10), completedAt: nil)
        statistics.record(.failure(kind: "dropped"), latency: nil, completedAt: nil)
        statistics.record(.failure(kind: "dropped"), latency: nil, completedAt: nil)
        return LoadReport(
            target: "gateway", mode: mode, connections: 64, rate: mode == .open ? 500 : nil, warmupSeconds: 2,
            durationSeconds: 2, statistics: statistics)
    }

    @Test func jsonHasTheDocumentedKeysInOrder() throws {
        let report = sampleReport()
        #expect(
            report.json
                == #"{"target":"gateway","mode":"open","connections":64,"rate":500,"#
                + #""warmup_s":2.000,"duration_s":2.000,"requests":1002,"successes":999,"successes_by_status":{"succeeded":999},"errors":3,"#
                + #""errors_by_kind":{"dropped":2,"http_503":1},"throughput_rps":499.5,"#
                + #""latency_ms":{"p50":5.003,"p90":9.007,"p99":9.903,"p999":9.991,"max":10.000}}"#)
        let object = try #require(JSONSerialization.jsonObject(with: Data(report.json.utf8)) as? [String: Any])
        let documented = [
            "target", "mode", "connections", "rate", "duration_s", "requests", "errors", "throughput_rps", "latency_ms",
        ]
        for key in documented {
            #expect(object[key] != nil, "missing \(key)")
        }
        #expect(report.exitCode == 0)
    }

    @Test func closedLoopJsonHasNullRate() {
        #expect(sampleReport(mode: .closed).json.contains(#""mode":"closed","connections":64,"rate":null,"#))
    }

    @Test func summaryNamesErrorsByKindAndThePercentiles() {
        let text = sampleReport().text
        #expect(text.hasPrefix("loadgen: gateway, open loop at 500 req/s offered, 64 connections, 2.00 s"))
        #expect(text.contains("requests    1002  (999 ok, 3 errors)"))
        #expect(text.contains("errors      dropped: 2, http_503: 1"))
        #expect(text.contains("throughput  499.5 req/s (successful)"))
        #expect(text.contains("p50 5.003  p90 9.007  p99 9.903  p99.9 9.991  max 10.000  (from intended send time)"))
    }

    @Test func everyRequestFailedExitsWithTwo() {
        var statistics = LoadStatistics()
        statistics.record(.failure(kind: "code_3001"), latency: .zero, completedAt: nil)
        let report = LoadReport(
            target: "jiangnan", mode: .closed, connections: 1, rate: nil, warmupSeconds: 0, durationSeconds: 1,
            statistics: statistics)
        #expect(report.exitCode == 2)
        #expect(report.throughputRps == 0)
        #expect(report.latency == LatencySummary(p50: 0, p90: 0, p99: 0, p999: 0, max: 0))
    }

    @Test func jsonStringsAndNumbersAreEscapedAndPlain() {
        #expect(LoadReport.quoted("a\"b\\c\nd\u{1}") == #""a\"b\\c\nd\u0001""#)
        #expect(LoadReport.number(500) == "500")
        #expect(LoadReport.number(333.5) == "333.5")
        #expect(LoadReport.fixed(1.23456, 3) == "1.235")
    }

    // MARK: Signed requests

    @Test func jiangnanRequestsAreSignedAsThePluginSignsThem() {
        // Test vector 1 of the interface document.
        let factory = JiangnanRequestFactory(
            baseURL: "http://127.0.0.1:9100", merchantNo: "JN8800001", secret: "jn-demo-secret-0001", amount: 12345,
            notifyURL: "http://127.0.0.1:8080/v1/notify/jiangnan", subject: "order 42")
        let body = factory.body(orderId: "pay_01J0000000000000000000000")
        #expect(JiangnanSigner.bodyHash(body) == "1e08587b38213b5f6503067aa580eff96bc76e0cccf8e77b106417705cb21c9c")
        let headers = factory.headers(body: body, timestampMs: 1_764_057_600_000, nonce: "n-7f3a9c")
        #expect(headers.map(\.name) == ["X-JN-MerchantNo", "X-JN-Timestamp", "X-JN-Nonce", "X-JN-Signature"])
        #expect(headers.last?.value == "0643edc17839b1d7e6f8db53dfb432d4993f877d7837f952162168612fa433a8")
        #expect(factory.url == "http://127.0.0.1:9100/api/v1/pay")
    }

    @Test func gatewayBodyIsTheDocumentedPayment() throws {
        let factory = GatewayRequestFactory(
            baseURL: "http://127.0.0.1:8080", signer: MerchantRequestSigner(merchantId: "bench", secret: "s"),
            amount: 100)
        let body = String(decoding: factory.body(orderId: "lg-1a2b3c4d-7"), as: UTF8.self)
        #expect(
            body == #"{"merchant_order_id":"lg-1a2b3c4d-7","amount":100,"currency":"CNY","subject":"load","#
                + #""channel":"jiangnan"}"#)
        #expect(factory.url == "http://127.0.0.1:8080/v1/payments")
    }

    @Test func answersAreJudgedByStatusAndCode() {
        let gateway = GatewayRequestFactory(
            baseURL: "http://x", signer: MerchantRequestSigner(merchantId: "m", secret: "s"), amount: 1)
        let created = gateway.outcome(status: 201, body: ByteBuffer(string: #"{"status":"succeeded"}"#))
        #expect(created == .success(detail: "succeeded"))
        #expect(gateway.outcome(status: 200, body: ByteBuffer(string: "not json")) == .success(detail: "unknown"))
        #expect(gateway.outcome(status: 401, body: ByteBuffer()) == .failure(kind: "http_401"))
        let bank = JiangnanRequestFactory(
            baseURL: "http://x", merchantNo: "JN1", secret: "s", amount: 1, notifyURL: "http://y/")
        let charged = ByteBuffer(string: #"{"code":"0000","msg":"ok","data":{"status":"SUCCESS"}}"#)
        #expect(bank.outcome(status: 200, body: charged) == .success(detail: "SUCCESS"))
        let refused = ByteBuffer(string: #"{"code":"3001","msg":"bad signature","data":{}}"#)
        #expect(bank.outcome(status: 200, body: refused) == .failure(kind: "code_3001"))
        #expect(bank.outcome(status: 200, body: ByteBuffer(string: "<html>")) == .failure(kind: "bad_body"))
        #expect(bank.outcome(status: 502, body: ByteBuffer()) == .failure(kind: "http_502"))
    }

    @Test func orderIdsAreUniqueAndValidCallerIds() {
        let ids = OrderIdGenerator(runId: "0badcafe")
        let first = ids.next()
        let second = ids.next()
        #expect(first == "lg-0badcafe-1")
        #expect(second == "lg-0badcafe-2")
        #expect(JiangnanRules.isValidCallerId(OrderIdGenerator().next()))
        #expect(RandomHex.digits(24).utf8.count == 24)
    }

    @Test func transportErrorKindsAreShortNames() {
        #expect(RequestExecutor.snakeCase("Remote connection closed") == "remote_connection_closed")
        #expect(RequestExecutor.snakeCase("remoteConnectionClosed") == "remote_connection_closed")
        #expect(RequestExecutor.snakeCase("") == "transport")
    }
}
