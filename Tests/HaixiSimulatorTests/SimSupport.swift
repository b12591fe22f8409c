import AsyncHTTPClient
import ChannelKit
import Foundation
import Hummingbird
import Logging
import NIOCore
import SimulatorSupport
import Synchronization
import Testing

@testable import Haixi

/// A `haixi-sim` process on a free port, its merchant key pair made by `haixi-sim keygen` and its bank public
/// key written by `--write-bank-public-key`.
final class HaixiSimProcess: Sendable {
    let process: Process
    let port: Int
    let directory: URL

    private init(process: Process, port: Int, directory: URL) {
        self.process = process
        self.port = port
        self.directory = directory
    }

    /// The binary: `$HAIXI_SIM_BIN`, or `haixi-sim` beside the test bundle (the same build folder), or in the
    /// package's `.build/debug`.
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["HAIXI_SIM_BIN"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while folder.pathExtension == "xctest" || folder.lastPathComponent == "MacOS" || folder.lastPathComponent == "Contents" {
            folder.deleteLastPathComponent()
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let candidates = [folder.appendingPathComponent("haixi-sim"), root.appendingPathComponent(".build/debug/haixi-sim")]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }

    var merchantPrivateKey: URL { directory.appendingPathComponent("merchant.pem") }
    var merchantPublicKey: URL { directory.appendingPathComponent("merchant.pub") }
    var bankPublicKey: URL { directory.appendingPathComponent("bank.pub") }
    var base: String { "http://127.0.0.1:\(port)" }

    /// Makes the merchant keys, starts the simulator and waits for its ready file.
    static func launch(_ extra: [String]) async throws -> HaixiSimProcess {
        let binary = Self.binary
        try #require(
            FileManager.default.isExecutableFile(atPath: binary.path),
            "build it first: swift build --product haixi-sim (looked at \(binary.path))")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("haixi-sim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        do {
            return try await launch(extra, binary: binary, in: directory)
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
    }

    private static func launch(_ extra: [String], binary: URL, in directory: URL) async throws -> HaixiSimProcess {

        let keygen = Process()
        keygen.executableURL = binary
        keygen.arguments = [
            "keygen", "--private", directory.appendingPathComponent("merchant.pem").path,
            "--public", directory.appendingPathComponent("merchant.pub").path,
        ]
        keygen.standardOutput = FileHandle.nullDevice
        try keygen.run()
        keygen.waitUntilExit()
        try #require(keygen.terminationStatus == 0, "haixi-sim keygen failed")

        let readyFile = directory.appendingPathComponent("ready.json")
        let stderrFile = directory.appendingPathComponent("stderr.txt")
        _ = FileManager.default.createFile(atPath: stderrFile.path, contents: nil)
        let process = Process()
        process.executableURL = binary
        process.arguments =
            [
                "--host", "127.0.0.1", "--port", "0", "--merchant",
                "HX310000001=" + directory.appendingPathComponent("merchant.pub").path,
                "--write-bank-public-key", directory.appendingPathComponent("bank.pub").path, "--ready-file", readyFile.path,
            ] + extra
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: stderrFile)
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, process.isRunning {
            if let data = try? Data(contentsOf: readyFile), let ready = try? JSONDecoder().decode(Ready.self, from: data) {
                return HaixiSimProcess(process: process, port: ready.port, directory: directory)
            }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
        if process.isRunning { process.terminate() }
        let log = (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? ""
        Issue.record("haixi-sim did not start: \(log)")
        throw CancellationError()
    }

    /// SIGTERM, wait for a clean exit, remove the scratch folder.
    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "haixi-sim exit status")
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// `GET /_sim/record`.
    func record() async throws -> SimRecord {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: base + "/_sim/record"), timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 16 << 20)
        return try JSONDecoder().decode(SimRecord.self, from: Data(body.readableBytesView))
    }

    /// `POST /_sim/clock {"offset_ms": N}`.
    func setClockOffset(_ milliseconds: Int64) async throws {
        var request = HTTPClientRequest(url: base + "/_sim/clock")
        request.method = .POST
        request.body = .bytes(ByteBuffer(string: #"{"offset_ms":\#(milliseconds)}"#))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        _ = try await response.body.collect(upTo: 1 << 16)
        try #require(response.status.code == 200)
    }

    private struct Ready: Decodable {
        var port: Int
    }
}

/// The system clock plus an adjustable offset (moved with the simulator's).
final class OffsetClock: ChannelClock {
    let offset = Mutex<Int64>(0)
    func now() -> Date { Date().addingTimeInterval(TimeInterval(offset.withLock { $0 }) / 1000) }
}

/// A minimal HTTPTransport over AsyncHTTPClient, for tests only (the plugin uses the gateway's transport).
struct TestTransport: HTTPTransport {
    func execute(_ request: HTTPRequestMessage) async throws -> HTTPResponseMessage {
        var outgoing = HTTPClientRequest(url: request.url.absoluteString)
        outgoing.method = .init(rawValue: request.method)
        for field in request.headers { outgoing.headers.add(name: field.name, value: field.value) }
        outgoing.body = .bytes(ByteBuffer(bytes: request.body))
        do {
            let response = try await HTTPClient.shared.execute(outgoing, timeout: .seconds(10))
            let body = try await response.body.collect(upTo: 512 << 20)
            return HTTPResponseMessage(
                status: Int(response.status.code), headers: response.headers.map { HTTPHeaderField($0.name, $0.value) },
                body: Data(body.readableBytesView))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw TransportError(.timedOut, "\(error)")
        } catch {
            throw TransportError(.connectionLost, "\(error)")
        }
    }

    func download(_ request: HTTPRequestMessage, to file: URL) async throws -> HTTPResponseMessage {
        var response = try await execute(request)
        do { try response.body.write(to: file) } catch { throw TransportError(.fileError, "\(error)") }
        response.body = Data()
        return response
    }
}

/// A tiny HTTP server on 127.0.0.1 that hands each notification to the channel and answers with its reply,
/// refusing (HTTP 500) the first `refusals` deliveries.
final class NotifyReceiver: Sendable {
    actor Inbox {
        private(set) var events: [ChannelKit.ChannelEvent] = []
        private(set) var deliveries = 0
        private let refusals: Int

        init(refusals: Int) { self.refusals = refusals }

        func arrived() -> Bool {
            deliveries += 1
            return deliveries > refusals
        }

        func take(_ new: [ChannelKit.ChannelEvent]) { events += new }
    }

    let inbox: Inbox
    let port: Int
    private let task: Task<Void, any Error>

    private init(inbox: Inbox, port: Int, task: Task<Void, any Error>) {
        self.inbox = inbox
        self.port = port
        self.task = task
    }

    static func start(refusals: Int, channel: @escaping @Sendable () -> HaixiChannel?) async throws -> NotifyReceiver {
        let inbox = Inbox(refusals: refusals)
        let router = Router()
        router.post("/**") { request, _ -> Response in
            var request = request
            let body = Data(try await request.collectBody(upTo: 1 << 20).readableBytesView)
            guard await inbox.arrived(), let channel = channel() else { return Response(status: .internalServerError) }
            let notification = InboundNotification(
                method: "POST", target: request.head.path ?? "/", headers: [], body: body, receivedAt: Date())
            do {
                let result = try await channel.handleNotification(notification)
                await inbox.take(result.events)
                return Response(
                    status: .ok, headers: [.contentType: "text/xml; charset=UTF-8"],
                    body: .init(byteBuffer: ByteBuffer(bytes: result.reply.body)))
            } catch {
                return Response(status: .badRequest)
            }
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
            throw CancellationError()
        }
        return NotifyReceiver(inbox: inbox, port: port, task: task)
    }

    func stop() {
        task.cancel()
    }
}

/// Discards log lines.
struct QuietLogger: ChannelLogger {
    func log(_ level: ChannelLogLevel, _ message: String, metadata: [String: String]) {}
}

/// Polls `condition` until it holds or `seconds` pass. A liveness bound (every use waits for something that must
/// happen): 60 s, because in the whole suite's parallel run the test's own receiver can wait seconds for a thread.
func eventually(seconds: Double = 60, _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try await condition() { return true }
        try await Task.sleep(nanoseconds: 50_000_000)
    }
    return try await condition()
}
