import AsyncHTTPClient
import ChannelKit
import Foundation
import JiangnanProtocol
import NIOCore
import Testing

@testable import Jiangnan

/// A `jiangnan-sim` process for the fault tests, on a free port of 127.0.0.1 with the demo merchant
/// (binary: `$JIANGNAN_SIM_BIN`, or `<package root>/.build/debug/jiangnan-sim`), and the channel plugin wired to it.
final class FaultSimulator: Sendable {
    let process: Process
    let port: Int
    private let directory: URL

    private init(process: Process, port: Int, directory: URL) {
        self.process = process
        self.port = port
        self.directory = directory
    }

    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["JIANGNAN_SIM_BIN"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/jiangnan-sim")
    }

    /// Starts the simulator with `arguments` added and waits until it listens.
    static func launch(_ arguments: [String] = []) async throws -> FaultSimulator {
        try #require(
            FileManager.default.isExecutableFile(atPath: binary.path),
            "build it first: swift build --product jiangnan-sim (looked at \(binary.path))")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("jn-fault-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let readyFile = directory.appendingPathComponent("ready.json")
        let logFile = directory.appendingPathComponent("stderr.txt")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let process = Process()
        process.executableURL = binary
        process.arguments =
            [
                "--host", "127.0.0.1", "--port", "0", "--merchant", "\(Demo.merchantNo)=\(Demo.secret)",
                "--ready-file", readyFile.path,
            ] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: logFile)
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, process.isRunning {
            if let data = try? Data(contentsOf: readyFile),
                let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let port = json["port"] as? Int, port > 0
            {
                return FaultSimulator(process: process, port: port, directory: directory)
            }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        if process.isRunning { process.terminate() }
        let log = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
        throw TransportError(.notSent, "jiangnan-sim did not become ready: \(log)")
    }

    /// Runs the simulator with `arguments` until it exits (for option validation): status and standard error.
    static func runToExit(_ arguments: [String]) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    /// SIGTERM, wait for the exit, remove the scratch directory; the exit status.
    @discardableResult
    func stop() -> Int32 {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
        return process.terminationStatus
    }

    var base: String { "http://127.0.0.1:\(port)" }

    /// The channel plugin on this simulator, through a gateway-like transport.
    func channel(
        notifyURL: String = "http://127.0.0.1:9/v1/notify/jiangnan", requestTimeout: Duration = .seconds(5)
    ) throws -> JiangnanChannel {
        try Self.channel(endpoint: base, notifyURL: notifyURL, requestTimeout: requestTimeout)
    }

    /// The channel plugin on any endpoint.
    static func channel(
        endpoint: String, notifyURL: String = "http://127.0.0.1:9/v1/notify/jiangnan",
        requestTimeout: Duration = .seconds(5)
    ) throws -> JiangnanChannel {
        try JiangnanChannel(
            context: ChannelContext(
                configuration: Demo.configuration(endpoint: endpoint),
                transport: FaultTestTransport(requestTimeout: requestTimeout), logger: RecordingLogger(),
                clock: SystemChannelClock(), notifyURL: URL(string: notifyURL)!))
    }

    // MARK: Control API

    /// `GET /_sim/record`, decoded.
    func record() async throws -> FaultRecord {
        try JSONDecoder().decode(FaultRecord.self, from: try await get("/_sim/record"))
    }

    /// `GET` of a path, the body (HTTP 200 required).
    func get(_ path: String) async throws -> Data {
        let (status, body) = try await send("GET", path)
        try #require(status == 200, "GET \(path) → \(status) \(String(decoding: body, as: UTF8.self))")
        return body
    }

    /// `GET /_sim/faults` as a JSON object.
    func faults() async throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: try await get("/_sim/faults")) as? [String: Any])
    }

    /// `PUT /_sim/faults` with `json`: the status and body.
    func putFaults(_ json: String) async throws -> (status: Int, body: Data) {
        try await send("PUT", "/_sim/faults", body: Data(json.utf8))
    }

    /// An unsigned request.
    func send(_ method: String, _ path: String, body: Data = Data()) async throws -> (status: Int, body: Data) {
        var request = HTTPClientRequest(url: base + path)
        request.method = .init(rawValue: method)
        if !body.isEmpty { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let answer = try await response.body.collect(upTo: 16 << 20)
        return (Int(response.status.code), Data(buffer: answer))
    }

    /// A request signed with the demo secret and a fresh nonce.
    func signed(_ target: String, json: String) async throws -> FaultAnswer {
        let body = Data(json.utf8)
        let timestamp = String(Int64(Date().timeIntervalSince1970 * 1000))
        let nonce = "f-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(24)
        var request = HTTPClientRequest(url: base + target)
        request.method = .POST
        request.headers.add(name: JiangnanHeaders.merchantNo, value: Demo.merchantNo)
        request.headers.add(name: JiangnanHeaders.timestamp, value: timestamp)
        request.headers.add(name: JiangnanHeaders.nonce, value: nonce)
        request.headers.add(
            name: JiangnanHeaders.signature,
            value: JiangnanSigner(secret: Demo.secret).signature(
                method: "POST", target: target, timestamp: timestamp, nonce: String(nonce), body: body))
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let answer = try await response.body.collect(upTo: 1 << 20)
        return FaultAnswer(
            status: Int(response.status.code),
            headers: Dictionary(response.headers.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { $1 }),
            body: Data(buffer: answer))
    }
}

/// One answer of the simulator to a signed request.
struct FaultAnswer {
    var status: Int
    /// By lowercased name.
    var headers: [String: String]
    var body: Data

    var contentType: String? { headers["content-type"] }

    subscript(header name: String) -> String? { headers[name.lowercased()] }

    /// Whether the `RESP` signature verifies with the demo secret.
    func verifies(target: String) -> Bool {
        guard let timestamp = self[header: JiangnanHeaders.timestamp], let nonce = self[header: JiangnanHeaders.nonce],
            let signature = self[header: JiangnanHeaders.signature]
        else { return false }
        return JiangnanSigner(secret: Demo.secret).isValid(
            signature, method: "RESP", target: target, timestamp: timestamp, nonce: nonce, body: body)
    }
}

/// The real time.
struct SystemChannelClock: ChannelClock {
    func now() -> Date { Date() }
}

/// `GET /_sim/record`, as far as the fault tests read it.
struct FaultRecord: Decodable {
    struct Request: Decodable {
        var target: String
        var code: String
        var out_trade_no: String?
        var out_refund_no: String?
        var fault: String?
    }

    struct Payment: Decodable {
        var out_trade_no: String
        var status: String
        var amount: Int64
    }

    struct Refund: Decodable {
        var out_refund_no: String
        var out_trade_no: String
        var status: String
        var refund_amount: Int64
    }

    struct Notification: Decodable {
        var event: String
        var id: String
        var attempt: Int
        var delivered: Bool
        var at: Int64
        var error: String?
    }

    var requests: [Request]
    var payments: [Payment]
    var refunds: [Refund]
    var notifications: [Notification]

    func payment(_ id: String) -> Payment? { payments.first { $0.out_trade_no == id } }
    func refund(_ id: String) -> Refund? { refunds.first { $0.out_refund_no == id } }
    /// The faults of the pay and refund requests, in order.
    var faults: [String?] { requests.filter { !$0.target.hasPrefix("/api/v1/query") }.map(\.fault) }
}
