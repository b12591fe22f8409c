import ChannelKit
import Foundation
import JiangnanProtocol
import Synchronization
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@testable import Jiangnan

/// Opt-in: the channel against the real `jiangnan-sim` process.
/// `JIANGNAN_SIM_BIN=.build/debug/jiangnan-sim swift test --filter JiangnanSimulatorInteropTests`.
@Suite(.serialized) struct JiangnanSimulatorInteropTests {
    static let binary = ProcessInfo.processInfo.environment["JIANGNAN_SIM_BIN"] ?? ""

    @Test(.enabled(if: !binary.isEmpty)) func channelAgainstTheSimulator() async throws {
        let sim = try await LaunchedSimulator(binary: Self.binary)
        defer { sim.stop() }
        let clock = OffsetClock()
        let context = ChannelContext(
            configuration: Demo.configuration(endpoint: "http://127.0.0.1:\(sim.port)"), transport: URLSessionTransport(),
            logger: RecordingLogger(), clock: clock, notifyURL: URL(string: "http://127.0.0.1:9/v1/notify/jiangnan")!)
        let channel = try JiangnanChannel(context: context)

        #expect(await channel.selfCheck().status == .passed)

        let suffix = UUID().uuidString.prefix(8)
        let paid = try await channel.pay(PayRequest(transactionId: "pay_ok_\(suffix)", amount: Demo.money(12345), subject: "order"))
        #expect(paid.status == .succeeded)
        #expect(paid.bankTransactionId?.hasPrefix("JN") == true)
        let again = try await channel.pay(PayRequest(transactionId: "pay_ok_\(suffix)", amount: Demo.money(12345), subject: "order"))
        #expect(again.status == .succeeded)
        #expect(again.bankTransactionId == paid.bankTransactionId)
        let mismatch = try await channel.pay(PayRequest(transactionId: "pay_ok_\(suffix)", amount: Demo.money(1), subject: "order"))
        #expect(mismatch.status == .declined)
        #expect(mismatch.bankCode == "2004")

        let poor = try await channel.pay(
            PayRequest(transactionId: "pay_poor_\(suffix)", amount: Demo.money(100), subject: "x [sim:insufficient-funds]"))
        #expect(poor.status == .declined)
        #expect(poor.bankCode == "2001")
        let busy = try await channel.pay(PayRequest(transactionId: "pay_busy_\(suffix)", amount: Demo.money(100), subject: "[sim:busy]"))
        #expect(busy.status == .pending)
        #expect(busy.bankCode == "9998")

        let query = try await channel.query(
            QueryRequest(transactionId: "pay_ok_\(suffix)", kind: .payment, expectedAmount: Demo.money(12345)))
        #expect(query.outcome?.status == .succeeded)
        let wrongAmount = try await channel.query(
            QueryRequest(transactionId: "pay_ok_\(suffix)", kind: .payment, expectedAmount: Demo.money(12344)))
        #expect(wrongAmount.outcome?.status == .pending)
        let unknown = try await channel.query(
            QueryRequest(transactionId: "pay_none_\(suffix)", kind: .payment, expectedAmount: Demo.money(1)))
        #expect(unknown.isNotFound)

        let refund = RefundRequest(
            transactionId: "ref_\(suffix)", paymentTransactionId: "pay_ok_\(suffix)", amount: Demo.money(2000),
            paymentAmount: Demo.money(12345), reason: "returned")
        #expect(try await channel.refund(refund).status == .succeeded)
        let tooMuch = RefundRequest(
            transactionId: "ref2_\(suffix)", paymentTransactionId: "pay_ok_\(suffix)", amount: Demo.money(12345),
            paymentAmount: Demo.money(12345), reason: "again")
        #expect(try await channel.refund(tooMuch).bankCode == "2003")
        let refundQuery = try await channel.query(
            QueryRequest(transactionId: "ref_\(suffix)", kind: .refund, expectedAmount: Demo.money(2000)))
        #expect(refundQuery.outcome?.status == .succeeded)

        // Today's statement is not ready yet; a day later it is, and it reconciles.
        let finished = try #require(paid.finishedAt)
        let day = try #require(BusinessDate(JiangnanTime.businessDay(finished)))
        let destination = temporaryFile()
        defer { try? FileManager.default.removeItem(at: destination) }
        await #expect(throws: PaymentChannelError.self) {
            _ = try await channel.downloadStatement(StatementRequest(businessDate: day, destination: destination))
        }
        // Move both clocks to 01:30 (UTC+8) of the next business day: "+24 h" is not enough when the test runs
        // between 00:00 and 01:00 bank time.
        let startOfDay = try #require(JiangnanTime.startOfDay(day.compact))
        let available = startOfDay.addingTimeInterval(86_400 + 90 * 60)
        let offsetMs = Int64((available.timeIntervalSinceNow * 1000).rounded())
        try await sim.setClockOffset(offsetMs)
        clock.offset.withLock { $0 = offsetMs }
        let file = try await channel.downloadStatement(StatementRequest(businessDate: day, destination: destination))
        var records: [StatementRecord] = []
        var issues: [StatementIssue] = []
        var trailer: StatementTrailer?
        for try await batch in channel.parseStatement(file, batchSize: 100) {
            records += batch.records
            issues += batch.issues
            trailer = batch.trailer ?? trailer
        }
        #expect(issues.isEmpty, "\(issues)")
        #expect(trailer != nil)
        #expect(records.contains { $0.transactionId == "pay_ok_\(suffix)" && $0.status == .succeeded && $0.amount == Demo.money(12345) })
        #expect(records.contains { $0.transactionId == "pay_poor_\(suffix)" && $0.status == .failed })
        #expect(records.contains { $0.transactionId == "ref_\(suffix)" && $0.originalTransactionId == "pay_ok_\(suffix)" })
    }
}

/// The system clock plus an adjustable offset.
final class OffsetClock: ChannelClock {
    let offset = Mutex<Int64>(0)
    func now() -> Date { Date().addingTimeInterval(TimeInterval(offset.withLock { $0 }) / 1000) }
}

/// A minimal HTTPTransport over URLSession, for tests only (the plugin itself uses the gateway's transport).
struct URLSessionTransport: HTTPTransport {
    func execute(_ request: HTTPRequestMessage) async throws -> HTTPResponseMessage {
        var urlRequest = URLRequest(url: request.url)
        urlRequest.httpMethod = request.method
        for field in request.headers { urlRequest.addValue(field.value, forHTTPHeaderField: field.name) }
        if !request.body.isEmpty { urlRequest.httpBody = request.body }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: urlRequest)
        } catch {
            throw TransportError(.connectionLost, "\(error)")
        }
        guard let http = response as? HTTPURLResponse else { throw TransportError(.invalidResponse, "not HTTP") }
        let headers = http.allHeaderFields.compactMap { key, value -> HTTPHeaderField? in
            guard let name = key as? String, let value = value as? String else { return nil }
            return HTTPHeaderField(name, value)
        }
        return HTTPResponseMessage(status: http.statusCode, headers: headers, body: data)
    }

    func download(_ request: HTTPRequestMessage, to file: URL) async throws -> HTTPResponseMessage {
        var response = try await execute(request)
        do { try response.body.write(to: file) } catch { throw TransportError(.fileError, "\(error)") }
        response.body = Data()
        return response
    }
}

/// A `jiangnan-sim` process on a free port with the demo merchant.
final class LaunchedSimulator: Sendable {
    let process: Process
    let port: Int

    init(binary: String) async throws {
        let ready = temporaryFile("ready.json")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = [
            "--host", "127.0.0.1", "--port", "0", "--merchant", "\(Demo.merchantNo)=\(Demo.secret)",
            "--ready-file", ready.path,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var port = 0
        for _ in 0..<200 where port == 0 {
            if let data = try? Data(contentsOf: ready),
                let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let value = json["port"] as? Int
            {
                port = value
            } else {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        try? FileManager.default.removeItem(at: ready)
        guard port > 0 else {
            process.terminate()
            throw TransportError(.notSent, "simulator did not become ready")
        }
        self.process = process
        self.port = port
    }

    func setClockOffset(_ milliseconds: Int64) async throws {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/_sim/clock")!)
        request.httpMethod = "POST"
        request.httpBody = Data(#"{"offset_ms":\#(milliseconds)}"#.utf8)
        _ = try await URLSession.shared.data(for: request)
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}
