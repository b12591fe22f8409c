import AsyncHTTPClient
import Foundation
import Hummingbird
import JiangnanProtocol
import Logging
import NIOCore
import Testing

/// End-to-end tests of the `jiangnan-sim` binary: each test starts the real process on a free port and talks to it
/// over 127.0.0.1 (binary: `$JIANGNAN_SIM_BIN`, or `<package root>/.build/debug/jiangnan-sim`).
@Suite("Jiangnan bank simulator (process)")
struct SimulatorTests {
    /// 2025-11-25T16:00:00+08:00, the timestamp of test vector 1.
    static let vectorOneClock: Int64 = 1_764_057_600_000
    /// 2025-11-26T09:00:00+08:00, the timestamp of test vector 3.
    static let vectorThreeClock: Int64 = 1_764_118_800_000
    static let vectorOneBody =
        #"{"out_trade_no":"pay_01J0000000000000000000000","amount":12345,"currency":"CNY","subject":"order 42","notify_url":"http://127.0.0.1:8080/v1/notify/jiangnan"}"#

    @Test("test vector 1 is accepted byte-exact, its answer verifies; replay → 3002; tampered body → 3001")
    func vectorOne() async throws {
        let sim = try await SimProcess.launch(["--fixed-clock-ms", String(Self.vectorOneClock)])
        defer { sim.stop() }
        #expect(sim.readyLine == #"{"event":"listening","host":"127.0.0.1","port":\#(sim.port)}"#)

        let body = Data(Self.vectorOneBody.utf8)
        #expect(JiangnanSigner.bodyHash(body) == "1e08587b38213b5f6503067aa580eff96bc76e0cccf8e77b106417705cb21c9c")
        let vectorSignature = "0643edc17839b1d7e6f8db53dfb432d4993f877d7837f952162168612fa433a8"
        let first = try await sim.send(
            "POST", "/api/v1/pay", body: body, timestamp: Self.vectorOneClock, nonce: "n-7f3a9c",
            signature: vectorSignature)
        #expect(first.status == 200)
        #expect(first.verifies(target: "/api/v1/pay"))
        #expect(first.timestamp == String(Self.vectorOneClock))
        let trade = try first.decode(JiangnanTradeData.self)
        #expect(trade.code == "0000")
        #expect(trade.data?.status == "SUCCESS")
        #expect(trade.data?.trade_no == "JN000000000000000001")
        #expect(trade.data?.amount == 12345)
        #expect(trade.data?.finished_at == "2025-11-25T16:00:00+08:00")

        let replay = try await sim.send(
            "POST", "/api/v1/pay", body: body, timestamp: Self.vectorOneClock, nonce: "n-7f3a9c",
            signature: vectorSignature)
        #expect(try replay.code() == "3002")
        #expect(replay.verifies(target: "/api/v1/pay"))
        #expect(replay.bodyText.contains(#""data":{}"#))

        let tampered = Data(Self.vectorOneBody.replacingOccurrences(of: "12345", with: "12346").utf8)
        let forged = try await sim.send(
            "POST", "/api/v1/pay", body: tampered, timestamp: Self.vectorOneClock, nonce: "n-7f3a9d",
            signature: vectorSignature)
        #expect(try forged.code() == "3001")
        #expect(forged.verifies(target: "/api/v1/pay"))

        let stranger = try await sim.send(
            "POST", "/api/v1/pay", body: body, timestamp: Self.vectorOneClock, merchantNo: "JN0000000")
        #expect(try stranger.code() == "3001")
        #expect(stranger.signature == nil)

        let record = try await sim.record()
        #expect(record.payments.count == 1)
        #expect(record.payments.first?.amount == 12345)
        #expect(record.payments.first?.fee == 12)
        #expect(record.requests.map(\.code) == ["0000", "3002", "3001", "3001"])
        #expect(record.requests.first?.out_trade_no == "pay_01J0000000000000000000000")
    }

    @Test("test vector 3 at its own timestamp is not refused for signature or timestamp")
    func vectorThree() async throws {
        let sim = try await SimProcess.launch(["--fixed-clock-ms", String(Self.vectorThreeClock)])
        defer { sim.stop() }
        let answer = try await sim.send(
            "GET", "/api/v1/statement?date=20261124", body: Data(), timestamp: Self.vectorThreeClock,
            nonce: "n-0b77e1", signature: "a83ad2ecc3037d01401dd307488208fc16bc83f7c70d978942251d8036e371db")
        #expect(answer.status == 200)
        #expect(answer.verifies(target: "/api/v1/statement?date=20261124"))
        let code = try answer.code()
        #expect(code != "3001")
        #expect(code != "3002")
        // The vector's timestamp is 2025-11-26 (UTC+8), so its date 20261124 lies in the future.
        #expect(code == "4001")
    }

    @Test("timestamps more than 300 000 ms from the bank clock are refused with 3002, nothing processed")
    func timestampWindow() async throws {
        let now = Self.vectorOneClock
        let sim = try await SimProcess.launch(["--fixed-clock-ms", String(now)])
        defer { sim.stop() }
        let query = Data(#"{"out_trade_no":"never_paid"}"#.utf8)
        for (offset, expected) in [(-300_000, "3004"), (300_000, "3004"), (-300_001, "3002"), (300_001, "3002")] {
            let answer = try await sim.send("POST", "/api/v1/query", body: query, timestamp: now + Int64(offset))
            #expect(try answer.code() == expected, "offset \(offset)")
            #expect(answer.verifies(target: "/api/v1/query"))
        }
        let stale = try await sim.send(
            "POST", "/api/v1/pay", body: payBody("stale_1", amount: 100), timestamp: now - 600_000)
        #expect(try stale.code() == "3002")

        // Moving the bank clock moves the window.
        try await sim.setClock(["fixed_ms": now + 3_600_000])
        let late = try await sim.send("POST", "/api/v1/query", body: query, timestamp: now)
        #expect(try late.code() == "3002")
        let fresh = try await sim.send("POST", "/api/v1/query", body: query, timestamp: now + 3_600_000)
        #expect(try fresh.code() == "3004")
        #expect(try await sim.record().payments.isEmpty)
    }

    @Test("a repeated out_trade_no never charges twice; different amount → 2004; validation → 4001, 2005")
    func duplicatePayments() async throws {
        let now = Self.vectorOneClock
        let sim = try await SimProcess.launch(["--fixed-clock-ms", String(now)])
        defer { sim.stop() }
        let first = try await sim.send("POST", "/api/v1/pay", body: payBody("dup_1", amount: 5000), timestamp: now)
        let again = try await sim.send("POST", "/api/v1/pay", body: payBody("dup_1", amount: 5000), timestamp: now)
        let firstData = try #require(try first.decode(JiangnanTradeData.self).data)
        #expect(try again.decode(JiangnanTradeData.self).data == firstData)
        #expect(firstData.status == "SUCCESS")
        let other = try await sim.send("POST", "/api/v1/pay", body: payBody("dup_1", amount: 5001), timestamp: now)
        #expect(try other.code() == "2004")
        #expect(try await sim.record().payments.count == 1)

        let invalid: [String] = [
            #"{"out_trade_no":"bad id","amount":1,"currency":"CNY","subject":"s","notify_url":"http://127.0.0.1/n"}"#,
            #"{"out_trade_no":"v_1","amount":0,"currency":"CNY","subject":"s","notify_url":"http://127.0.0.1/n"}"#,
            #"{"out_trade_no":"v_2","amount":100000000000,"currency":"CNY","subject":"s","notify_url":"http://127.0.0.1/n"}"#,
            #"{"out_trade_no":"v_3","amount":1,"currency":"CNY","subject":"","notify_url":"http://127.0.0.1/n"}"#,
            #"{"out_trade_no":"v_4","amount":1,"currency":"CNY","subject":"s"}"#,
            #"{"out_trade_no":"v_5","amount":1,"#,
            "{\"out_trade_no\":\"v_6\",\"amount\":1,\"currency\":\"CNY\",\"subject\":\"\(String(repeating: "x", count: 129))\",\"notify_url\":\"http://127.0.0.1/n\"}",
        ]
        for text in invalid {
            let answer = try await sim.send("POST", "/api/v1/pay", body: Data(text.utf8), timestamp: now)
            #expect(try answer.code() == "4001", "\(text)")
        }
        let euro = try await sim.send(
            "POST", "/api/v1/pay", body: payBody("eur_1", amount: 100, currency: "EUR"), timestamp: now)
        #expect(try euro.code() == "2005")
        #expect(try await sim.record().payments.count == 1)
    }

    @Test("partial refunds up to the paid amount; beyond → 2003; replays and unknown payments")
    func partialRefunds() async throws {
        let now = Self.vectorOneClock
        let sim = try await SimProcess.launch(["--fixed-clock-ms", String(now)])
        defer { sim.stop() }
        _ = try await sim.send("POST", "/api/v1/pay", body: payBody("rf_pay", amount: 10_000), timestamp: now)

        let r1 = try await sim.send("POST", "/api/v1/refund", body: refundBody("rf_1", "rf_pay", 3000), timestamp: now)
        let refund1 = try #require(try r1.decode(JiangnanRefundData.self).data)
        #expect(refund1.status == "SUCCESS")
        #expect(refund1.refund_amount == 3000)
        #expect(refund1.finished_at == "2025-11-25T16:00:00+08:00")
        #expect(r1.verifies(target: "/api/v1/refund"))
        let r2 = try await sim.send("POST", "/api/v1/refund", body: refundBody("rf_2", "rf_pay", 7000), timestamp: now)
        #expect(try r2.decode(JiangnanRefundData.self).data?.status == "SUCCESS")
        let r3 = try await sim.send("POST", "/api/v1/refund", body: refundBody("rf_3", "rf_pay", 1), timestamp: now)
        #expect(try r3.code() == "2003")

        let replay = try await sim.send(
            "POST", "/api/v1/refund", body: refundBody("rf_1", "rf_pay", 3000), timestamp: now)
        #expect(try replay.decode(JiangnanRefundData.self).data == refund1)
        let changed = try await sim.send(
            "POST", "/api/v1/refund", body: refundBody("rf_1", "rf_pay", 2999), timestamp: now)
        #expect(try changed.code() == "2004")
        let unknown = try await sim.send(
            "POST", "/api/v1/refund", body: refundBody("rf_4", "no_such_pay", 1), timestamp: now)
        #expect(try unknown.code() == "3004")
        _ = try await sim.send(
            "POST", "/api/v1/pay", body: payBody("rf_failed", amount: 500, subject: "x [sim:insufficient-funds]"),
            timestamp: now)
        let ofFailed = try await sim.send(
            "POST", "/api/v1/refund", body: refundBody("rf_5", "rf_failed", 1), timestamp: now)
        #expect(try ofFailed.code() == "3004")

        let queried = try await sim.send(
            "POST", "/api/v1/query", body: Data(#"{"out_refund_no":"rf_1"}"#.utf8), timestamp: now)
        #expect(try queried.decode(JiangnanRefundData.self).data == refund1)

        let record = try await sim.record()
        #expect(record.refunds.map(\.out_refund_no) == ["rf_1", "rf_2"])
        #expect(record.payments.first { $0.out_trade_no == "rf_pay" }?.refunded_amount == 10_000)
    }

    @Test("statement CSV of a business day, available from 01:00 the next day")
    func statement() async throws {
        let morning: Int64 = 1_763_950_502_000  // 2025-11-24T10:15:02+08:00
        let sim = try await SimProcess.launch(["--fixed-clock-ms", String(morning)])
        defer { sim.stop() }
        _ = try await sim.send("POST", "/api/v1/pay", body: payBody("st_pay", amount: 12345), timestamp: morning)
        let eleven: Int64 = 1_763_953_200_000  // 2025-11-24T11:00:00+08:00
        try await sim.setClock(["fixed_ms": eleven])
        _ = try await sim.send("POST", "/api/v1/refund", body: refundBody("st_ref", "st_pay", 2000), timestamp: eleven)
        _ = try await sim.send(
            "POST", "/api/v1/pay", body: payBody("st_fail", amount: 700, subject: "[sim:frozen] x"), timestamp: eleven)
        let nextDay: Int64 = 1_764_003_599_000  // 2025-11-25T00:59:59+08:00
        try await sim.setClock(["fixed_ms": nextDay])
        _ = try await sim.send("POST", "/api/v1/pay", body: payBody("st_next", amount: 999), timestamp: nextDay)

        let target = "/api/v1/statement?date=20251124"
        let early = try await sim.send("GET", target, body: Data(), timestamp: nextDay)
        #expect(try early.code() == "3005")
        #expect(early.verifies(target: target))

        let available: Int64 = 1_764_003_600_000  // 2025-11-25T01:00:00+08:00
        try await sim.setClock(["fixed_ms": available])
        let file = try await sim.send("GET", target, body: Data(), timestamp: available)
        #expect(file.status == 200)
        #expect(file.contentType == "text/csv")
        #expect(file.verifies(target: target))
        #expect(
            file.bodyText == """
                trade_date,finished_at,out_trade_no,trade_no,type,amount,fee,currency,status,orig_out_trade_no
                20251124,2025-11-24T10:15:02+08:00,st_pay,JN000000000000000001,PAY,12345,12,CNY,SUCCESS,
                20251124,2025-11-24T11:00:00+08:00,st_ref,JN000000000000000002,REFUND,2000,0,CNY,SUCCESS,st_pay
                20251124,2025-11-24T11:00:00+08:00,st_fail,JN000000000000000003,PAY,700,0,CNY,FAILED,
                #TOTAL,3,14345,12

                """)

        let empty = try await sim.send("GET", "/api/v1/statement?date=20251123", body: Data(), timestamp: available)
        #expect(empty.bodyText == JiangnanRules.statementHeader + "\n#TOTAL,0,0,0\n")
        for date in ["20251126", "2025112", "20251131", "2025-11-24", "abcdefgh"] {
            let answer = try await sim.send(
                "GET", "/api/v1/statement?date=\(date)", body: Data(), timestamp: available)
            #expect(try answer.code() == "4001", "\(date)")
        }
        let today = try await sim.send("GET", "/api/v1/statement?date=20251125", body: Data(), timestamp: available)
        #expect(try today.code() == "3005")
    }

    @Test("notifications are signed, retried until acknowledged with 0000, and logged")
    func notificationRetries() async throws {
        let receiver = try await NotifyReceiver.start(refusals: 2)
        defer { receiver.stop() }
        let sim = try await SimProcess.launch(["--notify-delays", "0.2,0.2,0.2,0.2,0.2,0.2,0.2"])
        defer { sim.stop() }
        let notifyURL = "http://127.0.0.1:\(receiver.port)/v1/notify/jiangnan?src=sim"
        let paid = try await sim.send(
            "POST", "/api/v1/pay", body: payBody("nt_pay", amount: 4321, notifyURL: notifyURL), timestamp: sim.now())
        #expect(try paid.decode(JiangnanTradeData.self).data?.status == "SUCCESS")

        let delivered = try await eventually { try await sim.record().notifications.contains { $0.delivered } }
        #expect(delivered)
        let notes = try await sim.record().notifications
        #expect(notes.map(\.attempt) == [1, 2, 3])
        #expect(notes.map(\.delivered) == [false, false, true])
        #expect(notes.allSatisfy { $0.http_status == 200 && $0.event == "trade.finished" && $0.id == "nt_pay" })

        let received = await receiver.inbox.all()
        #expect(received.count == 3)
        let signer = JiangnanSigner(secret: SimProcess.secret)
        for delivery in received {
            #expect(delivery.target == "/v1/notify/jiangnan?src=sim")
            #expect(delivery.merchantNo == SimProcess.merchantNo)
            #expect(
                signer.isValid(
                    delivery.signature, method: "POST", target: delivery.target, timestamp: delivery.timestamp,
                    nonce: delivery.nonce, body: delivery.body))
            let note = try JSONDecoder().decode(JiangnanNotification<JiangnanTradeData>.self, from: delivery.body)
            #expect(note.event == "trade.finished")
            #expect(note.data.out_trade_no == "nt_pay")
            #expect(note.data.status == "SUCCESS")
        }
        #expect(Set(received.map(\.nonce)).count == 3)
    }

    @Test("[sim:processing] answers 1001 PROCESSING, then succeeds and notifies; refunds notify too")
    func processingThenSuccess() async throws {
        let receiver = try await NotifyReceiver.start(refusals: 0)
        defer { receiver.stop() }
        let sim = try await SimProcess.launch(["--processing-delay-ms", "200", "--notify-delays", "0.2"])
        defer { sim.stop() }
        let notifyURL = "http://127.0.0.1:\(receiver.port)/notify"
        let paid = try await sim.send(
            "POST", "/api/v1/pay",
            body: payBody("pr_pay", amount: 800, subject: "slow one [sim:processing]", notifyURL: notifyURL),
            timestamp: sim.now())
        let pending = try paid.decode(JiangnanTradeData.self)
        #expect(pending.code == "1001")
        #expect(pending.data?.status == "PROCESSING")
        #expect(pending.data?.finished_at == "")

        let done = try await eventually { await receiver.inbox.all().count >= 1 }
        #expect(done)
        let queried = try await sim.send(
            "POST", "/api/v1/query", body: Data(#"{"out_trade_no":"pr_pay"}"#.utf8), timestamp: sim.now())
        let final = try queried.decode(JiangnanTradeData.self)
        #expect(final.code == "0000")
        #expect(final.data?.status == "SUCCESS")
        #expect(final.data?.finished_at.isEmpty == false)

        _ = try await sim.send(
            "POST", "/api/v1/refund", body: refundBody("pr_ref", "pr_pay", 300), timestamp: sim.now())
        let refunded = try await eventually { await receiver.inbox.all().count >= 2 }
        #expect(refunded)
        let events = try await receiver.inbox.all().map {
            try JSONDecoder().decode(NotificationEvent.self, from: $0.body).event
        }
        #expect(events == ["trade.finished", "refund.finished"])
    }

    @Test("[sim:busy] and [sim:error] answer 9998 / 9999 without recording a transaction")
    func busyAndError() async throws {
        let now = Self.vectorOneClock
        let sim = try await SimProcess.launch(["--fixed-clock-ms", String(now)])
        defer { sim.stop() }
        let busy = try await sim.send(
            "POST", "/api/v1/pay", body: payBody("be_1", amount: 100, subject: "[sim:busy]"), timestamp: now)
        #expect(try busy.code() == "9998")
        let error = try await sim.send(
            "POST", "/api/v1/pay", body: payBody("be_2", amount: 100, subject: "[sim:error]"), timestamp: now)
        #expect(try error.code() == "9999")
        let query = try await sim.send(
            "POST", "/api/v1/query", body: Data(#"{"out_trade_no":"be_1"}"#.utf8), timestamp: now)
        #expect(try query.code() == "3004")
        #expect(try await sim.record().payments.isEmpty)
    }
}

// MARK: - Request bodies

private func payBody(
    _ id: String, amount: Int64, currency: String = "CNY", subject: String = "order",
    notifyURL: String = "http://127.0.0.1:9/notify"
) -> Data {
    // Encoding a plain struct cannot fail.
    (try? JSONEncoder().encode(
        JiangnanPayBody(out_trade_no: id, amount: amount, currency: currency, subject: subject, notify_url: notifyURL)))
        ?? Data()
}

private func refundBody(_ id: String, _ payment: String, _ amount: Int64) -> Data {
    (try? JSONEncoder().encode(
        JiangnanRefundBody(out_refund_no: id, out_trade_no: payment, refund_amount: amount, reason: "test"))) ?? Data()
}

/// Polls `condition` every 50 ms for up to `seconds`. A bound on liveness only (every use waits for something
/// that must happen): 60 s, because in the whole suite's parallel run on 2 cores the test process's own
/// receiver can be kept from running for seconds (5 s was missed in CI).
private func eventually(seconds: Double = 60, _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try await condition() { return true }
        try await Task.sleep(nanoseconds: 50_000_000)
    }
    return try await condition()
}

private struct NotificationEvent: Decodable {
    var event: String
}

// MARK: - The simulator process

/// A running `jiangnan-sim` process.
private final class SimProcess {
    static let merchantNo = "JN8800001"
    static let secret = "jn-demo-secret-0001"

    let process: Process
    let port: Int
    let readyLine: String
    private let directory: URL

    private init(process: Process, port: Int, readyLine: String, directory: URL) {
        self.process = process
        self.port = port
        self.readyLine = readyLine
        self.directory = directory
    }

    /// The binary: `$JIANGNAN_SIM_BIN`, or `<package root>/.build/debug/jiangnan-sim`.
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["JIANGNAN_SIM_BIN"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/jiangnan-sim")
    }

    /// Starts the simulator on a free port with the demo merchant and waits for its ready file.
    static func launch(_ extra: [String]) async throws -> SimProcess {
        let binary = Self.binary
        try #require(
            FileManager.default.isExecutableFile(atPath: binary.path),
            "build it first: swift build --product jiangnan-sim (looked at \(binary.path))")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("jiangnan-sim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let readyFile = directory.appendingPathComponent("ready.json")
        let stdoutFile = directory.appendingPathComponent("stdout.txt")
        let stderrFile = directory.appendingPathComponent("stderr.txt")
        _ = FileManager.default.createFile(atPath: stdoutFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrFile.path, contents: nil)

        let process = Process()
        process.executableURL = binary
        process.arguments =
            [
                "--host", "127.0.0.1", "--port", "0", "--merchant", "\(merchantNo)=\(secret)",
                "--merchant", "JN8800002=another-secret", "--ready-file", readyFile.path,
            ] + extra
        process.standardOutput = try FileHandle(forWritingTo: stdoutFile)
        process.standardError = try FileHandle(forWritingTo: stderrFile)
        try process.run()

        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, process.isRunning {
            if let data = try? Data(contentsOf: readyFile), !data.isEmpty,
                let ready = try? JSONDecoder().decode(ReadyFile.self, from: data)
            {
                let stdout = (try? String(contentsOf: stdoutFile, encoding: .utf8)) ?? ""
                let line = stdout.split(separator: "\n").first.map(String.init) ?? ""
                #expect(ready.event == "listening")
                #expect(ready.host == "127.0.0.1")
                #expect(String(decoding: data, as: UTF8.self) == line)
                return SimProcess(process: process, port: ready.port, readyLine: line, directory: directory)
            }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        if process.isRunning { process.terminate() }
        let log = (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? ""
        throw SimError.notReady(log)
    }

    /// SIGTERM, wait for a clean exit, remove the scratch directory.
    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "jiangnan-sim exit status")
        }
        try? FileManager.default.removeItem(at: directory)
    }

    var base: String { "http://127.0.0.1:\(port)" }

    /// The simulator's current clock, in Unix milliseconds.
    func now() async throws -> Int64 {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: base + "/_sim/clock"), timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 1 << 16)
        return try JSONDecoder().decode(ClockState.self, from: Data(body.readableBytesView)).now_ms
    }

    /// `POST /_sim/clock`.
    func setClock(_ change: [String: Int64]) async throws {
        var request = HTTPClientRequest(url: base + "/_sim/clock")
        request.method = .POST
        request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(change)))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        _ = try await response.body.collect(upTo: 1 << 16)
        try #require(response.status.code == 200)
    }

    /// `GET /_sim/record`.
    func record() async throws -> SimRecord {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: base + "/_sim/record"), timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 16 << 20)
        return try JSONDecoder().decode(SimRecord.self, from: Data(body.readableBytesView))
    }

    /// Sends a request signed with the demo secret (or the given `signature`); a fresh nonce unless given.
    func send(
        _ method: String, _ target: String, body: Data, timestamp: Int64, nonce: String? = nil,
        merchantNo: String = SimProcess.merchantNo, signature: String? = nil
    ) async throws -> SimAnswer {
        let nonce = nonce ?? "t-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(24)
        let stamp = String(timestamp)
        let signed =
            signature
            ?? JiangnanSigner(secret: Self.secret).signature(
                method: method, target: target, timestamp: stamp, nonce: nonce, body: body)
        var request = HTTPClientRequest(url: base + target)
        request.method = method == "GET" ? .GET : .POST
        request.headers.add(name: JiangnanHeaders.merchantNo, value: merchantNo)
        request.headers.add(name: JiangnanHeaders.timestamp, value: stamp)
        request.headers.add(name: JiangnanHeaders.nonce, value: nonce)
        request.headers.add(name: JiangnanHeaders.signature, value: signed)
        if method == "POST" {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let answer = try await response.body.collect(upTo: 16 << 20)
        return SimAnswer(
            status: Int(response.status.code), body: Data(answer.readableBytesView),
            timestamp: response.headers.first(name: JiangnanHeaders.timestamp),
            nonce: response.headers.first(name: JiangnanHeaders.nonce),
            signature: response.headers.first(name: JiangnanHeaders.signature),
            contentType: response.headers.first(name: "Content-Type"))
    }

    private struct ReadyFile: Decodable {
        var event: String
        var host: String
        var port: Int
    }

    private struct ClockState: Decodable {
        var now_ms: Int64
    }
}

private enum SimError: Error {
    case notReady(String)
}

/// One answer of the simulator.
private struct SimAnswer {
    var status: Int
    var body: Data
    var timestamp: String?
    var nonce: String?
    var signature: String?
    var contentType: String?

    var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// Whether the `RESP` signature over the body verifies with the demo secret.
    func verifies(target: String) -> Bool {
        guard let timestamp, let nonce, let signature else { return false }
        return JiangnanSigner(secret: SimProcess.secret).isValid(
            signature, method: "RESP", target: target, timestamp: timestamp, nonce: nonce, body: body)
    }

    func code() throws -> String {
        try JSONDecoder().decode(JiangnanEnvelope<JiangnanEmpty>.self, from: body).code
    }

    func decode<Payload: Codable & Sendable>(_: Payload.Type) throws -> JiangnanEnvelope<Payload> {
        try JSONDecoder().decode(JiangnanEnvelope<Payload>.self, from: body)
    }
}

/// `GET /_sim/record`, as far as the tests read it.
private struct SimRecord: Decodable {
    struct Request: Decodable {
        var at: Int64
        var method: String
        var target: String
        var merchant_no: String
        var code: String
        var out_trade_no: String?
        var out_refund_no: String?
    }

    struct Payment: Decodable {
        var out_trade_no: String
        var trade_no: String
        var amount: Int64
        var currency: String
        var status: String
        var finished_at: String
        var fee: Int64
        var notify_url: String
        var refunded_amount: Int64
    }

    struct Refund: Decodable {
        var out_refund_no: String
        var out_trade_no: String
        var refund_no: String
        var refund_amount: Int64
        var status: String
        var finished_at: String
    }

    struct Notification: Decodable {
        var event: String
        var id: String
        var url: String
        var attempt: Int
        var http_status: Int?
        var delivered: Bool
        var at: Int64
    }

    var requests: [Request]
    var payments: [Payment]
    var refunds: [Refund]
    var notifications: [Notification]
}

// MARK: - A notification receiver

/// A tiny HTTP server on 127.0.0.1 that records notifications and refuses the first `refusals` of them.
private final class NotifyReceiver {
    struct Delivery: Sendable {
        var target: String
        var merchantNo: String
        var timestamp: String
        var nonce: String
        var signature: String
        var body: Data
    }

    actor Inbox {
        private var deliveries: [Delivery] = []
        private let refusals: Int

        init(refusals: Int) { self.refusals = refusals }

        /// Records a delivery; whether to acknowledge it.
        func take(_ delivery: Delivery) -> Bool {
            deliveries.append(delivery)
            return deliveries.count > refusals
        }

        func all() -> [Delivery] { deliveries }
    }

    let inbox: Inbox
    let port: Int
    private let task: Task<Void, any Error>

    private init(inbox: Inbox, port: Int, task: Task<Void, any Error>) {
        self.inbox = inbox
        self.port = port
        self.task = task
    }

    static func start(refusals: Int) async throws -> NotifyReceiver {
        let inbox = Inbox(refusals: refusals)
        let router = Router()
        router.post("/**") { request, _ -> Response in
            var request = request
            let body = Data(try await request.collectBody(upTo: 1 << 20).readableBytesView)
            func header(_ name: String) -> String {
                request.headers.first { $0.name.canonicalName == name.lowercased() }?.value ?? ""
            }
            let acknowledged = await inbox.take(
                Delivery(
                    target: request.head.path ?? "", merchantNo: header(JiangnanHeaders.merchantNo),
                    timestamp: header(JiangnanHeaders.timestamp), nonce: header(JiangnanHeaders.nonce),
                    signature: header(JiangnanHeaders.signature), body: body))
            let answer = acknowledged ? #"{"code":"0000","msg":"ok"}"# : #"{"code":"9999","msg":"try again"}"#
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: answer)))
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: Logger(label: "notify-receiver", factory: { _ in SwiftLogNoOpLogHandler() }))
        let task = Task { try await app.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            task.cancel()
            throw SimError.notReady("notification receiver did not start")
        }
        return NotifyReceiver(inbox: inbox, port: port, task: task)
    }

    func stop() {
        task.cancel()
    }
}
