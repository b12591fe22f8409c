import Foundation
import Testing

/// `make run` as a person uses it: it starts the demo, prints a signed pay command (`gatewayctl pay`) and a
/// signed curl command (`gatewayctl sign --curl`) that work when pasted, and stops the gateway and the bank
/// simulator on SIGTERM.
@Suite("make run (demo)")
struct MakeRunTests {
    /// The package root, derived from this file's location (`Tests/GatewayHostTests/`).
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("make run prints signed pay and curl commands that succeed, and SIGTERM stops everything", .timeLimit(.minutes(10)))
    func makeRunServesThePrintedPayCommand() async throws {
        let runDirectory = FileManager.default.temporaryDirectory
            .appendingPathComponent("gateway-tests/make-run-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: runDirectory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: runDirectory) }
        let outputFile = runDirectory.appendingPathComponent("make-run.log")
        guard FileManager.default.createFile(atPath: outputFile.path, contents: nil) else {
            throw MakeRunFailure("cannot create \(outputFile.path)")
        }
        let output = try FileHandle(forWritingTo: outputFile)

        let merchantPort = try Self.freePort()
        var adminPort = try Self.freePort()
        while adminPort == merchantPort { adminPort = try Self.freePort() }

        var environment = ProcessInfo.processInfo.environment
        // An independent make, not a sub-make of the `make test` that may be running us.
        for name in ["MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"] { environment[name] = nil }
        environment["RUN_DIR"] = runDirectory.appendingPathComponent("run").path
        environment["MERCHANT_PORT"] = String(merchantPort)
        environment["ADMIN_PORT"] = String(adminPort)
        // The demo merchant's documented secret, which the demo sets and prints in its commands.
        environment["GATEWAY_MERCHANT_DEMO_SECRET"] = nil

        let make = Process()
        make.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // `swift test` holds the .build lock while tests run; the build inside `make run` is then a no-op check.
        make.arguments = ["make", "--no-print-directory", "run", "SWIFT_BUILD_FLAGS=--ignore-lock"]
        make.currentDirectoryURL = Self.packageRoot
        make.environment = environment
        make.standardInput = FileHandle.nullDevice
        make.standardOutput = output
        make.standardError = output
        try make.run()
        try output.close()
        // Foundation starts the child as the leader of a new process group: make, the demo script, the
        // gateway and the simulator are all in it.
        let group = make.processIdentifier
        var stopped = false
        defer {
            if !stopped {
                kill(-group, SIGKILL)
                make.waitUntilExit()
            }
        }
        func log() -> String {
            "--- make run output ---\n" + ((try? String(contentsOf: outputFile, encoding: .utf8)) ?? "")
        }

        // Builds are done when `make test` runs this, but allow for a build from scratch.
        let payCommand = try await Self.waitForCommand(
            after: "pay command:", in: outputFile, while: make, timeout: .seconds(300), log: log)
        #expect(payCommand.contains("gatewayctl pay "), "\(payCommand)\n\(log())")
        #expect(payCommand.contains("--url http://127.0.0.1:\(merchantPort) "), "\(payCommand)\n\(log())")
        #expect(payCommand.contains("--merchant-id demo --secret-env GATEWAY_MERCHANT_DEMO_SECRET"), "\(payCommand)")
        let curlCommand = try await Self.waitForCommand(
            after: "signed curl command:", in: outputFile, while: make, timeout: .seconds(60), log: log)
        #expect(curlCommand.contains("gatewayctl sign ") && curlCommand.contains("--curl http://127.0.0.1:\(merchantPort) "), "\(curlCommand)")

        // The channels command as printed, with the admin token `make run` set up: the table, the channel ready.
        let channelsCommand = try await Self.waitForCommand(
            after: "Inspect them again with:", in: outputFile, while: make, timeout: .seconds(60), log: log)
        #expect(channelsCommand.contains("gatewayctl channels ") && channelsCommand.contains("--admin-token-file "), "\(channelsCommand)")
        let (channelsStatus, channels, channelsErrors) = try await Self.shell(channelsCommand, in: Self.packageRoot)
        #expect(channelsStatus == 0, "channels command failed (\(channelsStatus)): \(channels)\(channelsErrors)\n\(log())")
        for channel in Self.channels {
            #expect(channels.split(separator: "\n").contains { $0.hasPrefix("\(channel) ") && $0.contains("ready") }, "\(channels)")
        }

        let runDir = runDirectory.appendingPathComponent("run")
        let gatewayPid = try Self.pid(in: runDir.appendingPathComponent("gateway.pid"))
        let simulatorPid = try Self.pid(in: runDir.appendingPathComponent("jiangnan-sim.pid"))
        #expect(Self.isRunning(gatewayPid) && Self.isRunning(simulatorPid), "\(log())")
        // Haixi's key pairs were made for this RUN_DIR; the private keys are the owner's only and never logged.
        for pair in ["haixi-merchant", "haixi-bank"] {
            let pem = runDir.appendingPathComponent("keys/\(pair).pem")
            let mode = try FileManager.default.attributesOfItem(atPath: pem.path)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(pair).pem mode \(String(mode ?? 0, radix: 8))")
        }
        let logs = try FileManager.default.contentsOfDirectory(at: runDir.appendingPathComponent("logs"), includingPropertiesForKeys: nil)
        for file in logs {
            #expect(!((try? String(contentsOf: file, encoding: .utf8)) ?? "").contains("PRIVATE KEY"), "\(file.lastPathComponent)")
        }
        var otherSimulators: [Int32] = []
        for channel in Self.channels where channel != "jiangnan" {
            let pid = try Self.pid(in: runDir.appendingPathComponent("\(channel)-sim.pid"))
            #expect(Self.isRunning(pid), "\(channel)-sim: \(log())")
            otherSimulators.append(pid)
            // Each other bank's pay command, as printed, pays through its channel.
            let command = try await Self.waitForCommand(
                after: "pay command (\(channel)):", in: outputFile, while: make, timeout: .seconds(60), log: log)
            #expect(command.contains("--channel \(channel)"), "\(command)")
            let (status, answer, errors) = try await Self.shell(command, in: Self.packageRoot)
            #expect(status == 0, "\(channel) pay command failed (\(status)): \(answer)\(errors)\n\(log())")
            #expect(GatewayCtlTests.fields(answer)["status"] == "succeeded", "\(channel): \(answer)\n\(log())")
        }

        // Pasted into a shell at the repository root, as printed: gatewayctl signs and prints the payment.
        let (status, answer, errors) = try await Self.shell(payCommand, in: Self.packageRoot)
        #expect(status == 0, "pay command failed (\(status)): \(answer)\(errors)\n\(log())")
        let fields = GatewayCtlTests.fields(answer)
        #expect(fields["status"] == "succeeded", "\(answer)\n\(log())")
        #expect(fields["payment"]?.hasPrefix("pay_") == true, "\(answer)")
        #expect(!(answer + errors).contains("demo-merchant-secret"), "\(answer)\(errors)")

        // The signed curl command: a payment, and the same again is its idempotent replay.
        let (curlStatus, curlAnswer, curlErrors) = try await Self.shell(curlCommand, in: Self.packageRoot)
        #expect(curlStatus == 0, "signed curl command failed (\(curlStatus)): \(curlAnswer)\(curlErrors)\n\(log())")
        let json = try #require(
            try? JSONSerialization.jsonObject(with: Data(curlAnswer.utf8)) as? [String: Any],
            "signed curl command did not answer a JSON object: \(curlAnswer)\n\(log())")
        #expect(json["status"] as? String == "succeeded", "\(curlAnswer)\n\(log())")
        let id = try #require(json["id"] as? String, "\(curlAnswer)")
        #expect(id.hasPrefix("pay_") && id != fields["payment"], "\(curlAnswer)")
        let (_, replayAnswer, _) = try await Self.shell(curlCommand, in: Self.packageRoot)
        let replay = try? JSONSerialization.jsonObject(with: Data(replayAnswer.utf8)) as? [String: Any]
        #expect(replay?["id"] as? String == id, "the replay answered another payment: \(replayAnswer)")

        kill(-group, SIGTERM)
        let deadline = ContinuousClock.now + .seconds(60)
        while make.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(!make.isRunning, "make run still running 60 s after SIGTERM\n\(log())")
        let processesDeadline = ContinuousClock.now + .seconds(10)
        while Self.isRunning(gatewayPid) || Self.isRunning(simulatorPid), ContinuousClock.now < processesDeadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(!Self.isRunning(gatewayPid), "gateway (pid \(gatewayPid)) still running after SIGTERM\n\(log())")
        #expect(!Self.isRunning(simulatorPid), "jiangnan-sim (pid \(simulatorPid)) still running after SIGTERM\n\(log())")
        if !make.isRunning {
            stopped = true
        }
        for pid in otherSimulators {
            #expect(!Self.isRunning(pid), "simulator (pid \(pid)) still running after SIGTERM\n\(log())")
            if Self.isRunning(pid) { kill(pid, SIGKILL) }
        }
        if Self.isRunning(gatewayPid) { kill(gatewayPid, SIGKILL) }
        if Self.isRunning(simulatorPid) { kill(simulatorPid, SIGKILL) }
    }

    /// The demo's channels, each against its own bank simulator.
    static let channels = ["jiangnan", "minbei", "haixi"]

    /// Waits for the line after `marker` (e.g. `pay command:`) in the output file.
    static func waitForCommand(
        after marker: String, in file: URL, while process: Process, timeout: Duration, log: () -> String
    ) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while true {
            let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            // The command line counts once it is complete, i.e. followed by a line break.
            if let index = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == marker }),
                index + 2 < lines.count
            {
                let command = lines[index + 1].trimmingCharacters(in: .whitespaces)
                if !command.isEmpty { return command }
            }
            guard process.isRunning else {
                throw MakeRunFailure("make run exited (status \(process.terminationStatus)) before printing '\(marker)'\n\(log())")
            }
            guard ContinuousClock.now < deadline else {
                throw MakeRunFailure("no '\(marker)' line from make run within \(timeout)\n\(log())")
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    /// Runs `command` with /bin/sh (in `directory`, else the current one); returns its exit status, stdout and
    /// stderr apart (notes on stderr must not spoil a JSON answer on stdout).
    static func shell(_ command: String, in directory: URL? = nil) async throws -> (status: Int32, stdout: String, stderr: String) {
        try await offPool { try blockingShell(command, in: directory) }
    }

    private static func blockingShell(_ command: String, in directory: URL?) throws -> (status: Int32, stdout: String, stderr: String) {
        let errors = FileManager.default.temporaryDirectory.appendingPathComponent("shell-\(UUID().uuidString).stderr")
        guard FileManager.default.createFile(atPath: errors.path, contents: nil) else {
            throw MakeRunFailure("cannot create \(errors.path)")
        }
        defer { try? FileManager.default.removeItem(at: errors) }
        let errorHandle = try FileHandle(forWritingTo: errors)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        if let directory { process.currentDirectoryURL = directory }
        let pipe = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = pipe
        process.standardError = errorHandle
        try process.run()
        try errorHandle.close()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stderr = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
        return (process.terminationStatus, String(decoding: data, as: UTF8.self), stderr)
    }

    /// Reads a pid file.
    static func pid(in file: URL) throws -> pid_t {
        let text = try String(contentsOf: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let pid = pid_t(text), pid > 0 else { throw MakeRunFailure("\(file.path) holds no pid: '\(text)'") }
        return pid
    }

    /// Whether `pid` exists and is not a zombie.
    static func isRunning(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).prefix(1)
        return state != "Z" && state != "X"
    }

    /// A TCP port on 127.0.0.1 that is free right now.
    static func freePort() throws -> Int {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { throw MakeRunFailure("socket() failed: errno \(errno)") }
        defer { close(socketFD) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(socketFD, address, length) == 0 && getsockname(socketFD, address, &length) == 0
            }
        }
        guard bound else { throw MakeRunFailure("bind() failed: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Why the make run test could not go on.
struct MakeRunFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
