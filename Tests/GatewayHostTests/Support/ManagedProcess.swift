import Foundation

/// A child process of a test: stdout and stderr go to files in the test's directory, and it is killed at the
/// latest when this object goes away, so a failing test leaves no process behind.
final class ManagedProcess {
    /// A short name for messages and log file names.
    let name: String
    /// Where stdout is written.
    let stdoutFile: URL
    /// Where stderr is written.
    let stderrFile: URL
    private var process = Process()
    private let directory: TestDirectory

    /// Launches `executable` with `arguments`; `environment` is added to the test's own environment.
    init(
        name: String, executable: URL, arguments: [String], environment: [String: String] = [:],
        directory: TestDirectory
    ) throws {
        let tag = "\(name)-\(UUID().uuidString.prefix(6))"
        self.name = name
        self.directory = directory
        stdoutFile = directory.path("\(tag).stdout.log")
        stderrFile = directory.path("\(tag).stderr.log")
        for file in [stdoutFile, stderrFile] where !FileManager.default.createFile(atPath: file.path, contents: nil) {
            throw HarnessError("cannot create \(file.path)")
        }
        let stdout = try FileHandle(forWritingTo: stdoutFile)
        let stderr = try FileHandle(forWritingTo: stderrFile)
        defer {
            try? stdout.close()
            try? stderr.close()
        }
        // Starting a child can fail for a moment on a machine busy with many tests (the error is reported);
        // nothing ran, so trying again with a fresh Process is safe.
        var attempt = 1
        while true {
            process.executableURL = executable
            process.arguments = arguments
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = stdout
            process.standardError = stderr
            do {
                try Self.withSignalsUnblocked { try process.run() }
                break
            } catch {
                guard attempt < 3 else {
                    throw HarnessError("cannot start \(name) (\(executable.lastPathComponent)): \(error)")
                }
                attempt += 1
                process = Process()
                Thread.sleep(forTimeInterval: 0.2)
            }
        }
        launched = true
    }

    /// Whether `run()` started the child (a process that never started has no status to ask for).
    private var launched = false

    /// The child's pid.
    var pid: Int32 { process.processIdentifier }

    /// Whether the child is still running. Asks the kernel (`waitid` with `WNOWAIT`, leaving the child for
    /// Foundation to reap): Foundation's own `isRunning` can lag for as long as any other child holds the
    /// descriptor Foundation watches, which happens when tests start processes in parallel.
    var isRunning: Bool { exitStatus == nil }

    /// The exit status (or the number of the signal that ended the child), once it has ended.
    var exitStatus: Int32? {
        guard launched else { return -1 }
        var info = siginfo_t()
        if waitid(P_PID, id_t(process.processIdentifier), &info, WEXITED | WNOHANG | WNOWAIT) == 0 {
            // si_pid is 0 while the child is still running.
            return info._sifields._sigchld.si_pid == 0 ? nil : info._sifields._sigchld.si_status
        }
        // Already reaped by Foundation.
        return process.isRunning ? nil : process.terminationStatus
    }

    /// Waits until `file` holds JSON that decodes as `T`; throws, with the log, if the process exits first or
    /// `timeout` passes.
    func waitForReadyFile<T: Decodable>(_ file: URL, as type: T.Type = T.self, timeout: Duration = .seconds(60))
        async throws -> T
    {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let data = try? Data(contentsOf: file), let value = try? JSONDecoder().decode(T.self, from: data) {
                return value
            }
            if let status = exitStatus {
                throw HarnessError(
                    "\(name) exited (status \(status)) before writing \(file.lastPathComponent)\n"
                        + readLog())
            }
            guard ContinuousClock.now < deadline else {
                throw HarnessError("\(name) wrote no \(file.lastPathComponent) within \(timeout)\n" + readLog())
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Sends SIGTERM, then SIGKILL if the process is still running after `grace`; returns its exit status
    /// (or the number of the signal that ended it).
    @discardableResult
    func terminate(grace: Duration = .seconds(10)) async -> Int32 {
        if isRunning {
            kill(process.processIdentifier, SIGTERM)
            let deadline = ContinuousClock.now + grace
            while isRunning, ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
        while true {
            if let status = exitStatus { return status }
            kill(process.processIdentifier, SIGKILL)
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Sends `signal` (e.g. SIGHUP) to the running process.
    func send(signal: Int32) {
        if isRunning { kill(process.processIdentifier, signal) }
    }

    /// Kills the process with SIGKILL (no chance to clean up: a crash) and waits for it to be gone.
    @discardableResult
    func killHard() async -> Int32 {
        while true {
            if let status = exitStatus { return status }
            kill(process.processIdentifier, SIGKILL)
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Waits for the process to exit by itself (SIGKILL after `timeout`); returns its exit status.
    func waitForExit(timeout: Duration = .seconds(30)) async -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return await terminate(grace: .zero)
    }

    /// The process's stdout only.
    func readStdout() -> String { (try? String(contentsOf: stdoutFile, encoding: .utf8)) ?? "" }

    /// The process's stdout and stderr so far.
    func readLog() -> String {
        let out = (try? String(contentsOf: stdoutFile, encoding: .utf8)) ?? ""
        let err = (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? ""
        return "--- \(name) stdout ---\n\(out)--- \(name) stderr ---\n\(err)--- end of \(name) log ---"
    }

    deinit {
        if isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
    }

    /// Runs `body` with no signal blocked on this thread. A child inherits the signal mask of the thread that
    /// starts it, and the test runner's threads block nearly every signal, SIGTERM included: a gateway
    /// started from there would never see the SIGTERM that asks it to stop.
    private static func withSignalsUnblocked<T>(_ body: () throws -> T) rethrows -> T {
        var none = sigset_t()
        var saved = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, &saved)
        defer { pthread_sigmask(SIG_SETMASK, &saved, nil) }
        return try body()
    }
}
