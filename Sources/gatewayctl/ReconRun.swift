import ArgumentParser
import Foundation
import GatewayAPI

#if canImport(Glibc)
import Glibc
#endif

extension GatewayCtl.Recon {
    /// `gatewayctl recon run --channel X --date YYYY-MM-DD`.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reconcile one channel's business day now and print the summary.",
            discussion: """
                POST /admin/recon/runs. Downloads the bank's statement through the channel's plugin (or reuses the \
                file downloaded before, unless --refetch), reads the ledger's rows of the day (bank time zone), \
                matches them, settles open payments the statement shows final, stores the run and its breaks, and \
                writes the discrepancy files (CSV and JSON Lines) under the gateway's data directory. Progress bars \
                go to stderr when it is a terminal. A re-run replaces the day's stored run. \
                \(GatewayCtl.Recon.exitCodes)
                """)

        @OptionGroup var options: GlobalOptions

        @Option(help: "The channel id.")
        var channel: String

        @Option(help: ArgumentHelp("The bank's business date.", valueName: "yyyy-MM-dd"))
        var date: String

        @Flag(help: "Download the statement again even if the day's file is on disk.")
        var refetch = false

        @Option(help: ArgumentHelp("Seconds the whole run may take.", valueName: "seconds"))
        var runTimeout = 1800

        func validate() throws {
            let parts = date.split(separator: "-")
            guard date.count == 10, parts.count == 3, parts.allSatisfy({ $0.allSatisfy(\.isNumber) }) else {
                throw ValidationError("--date must be yyyy-MM-dd")
            }
            guard runTimeout > 0 else { throw ValidationError("--run-timeout must be positive") }
        }

        func run() async throws {
            let request = AdminReconRunRequest(channel: channel, date: date, refetch: refetch ? true : nil)
            let body = Array(try JSONEncoder().encode(request))
            let client = AdminClient(url: try options.adminURL, timeout: .seconds(Int64(runTimeout)), token: try options.adminToken)
            let bars = ProgressBars(enabled: isatty(STDERR_FILENO) == 1)
            let final = Final()
            do {
                try await client.stream("/admin/recon/runs", body: body) { line in
                    guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else { return }
                    if let progress = object["progress"] as? [String: Any] {
                        bars.show(progress)
                    } else {
                        final.set(line, object)
                    }
                }
            } catch {
                bars.finish()
                throw GlobalOptions.fail(error)
            }
            bars.finish()
            guard let (line, object) = final.value else {
                throw GlobalOptions.fail(.unreadable(url: "/admin/recon/runs", reason: "the answer ended before the run did"))
            }
            if let error = object["error"] as? [String: Any] {
                let code = error["code"] as? String ?? "error", message = error["message"] as? String ?? ""
                FileHandle.standardError.write(Data("gatewayctl: the run failed: \(code): \(message)\n".utf8))
                throw ExitCode(4)
            }
            guard let runObject = object["run"],
                let data = try? JSONSerialization.data(withJSONObject: runObject, options: [.sortedKeys]),
                let run = try? JSONDecoder().decode(AdminReconRun.self, from: data)
            else {
                throw GlobalOptions.fail(.unreadable(url: "/admin/recon/runs", reason: "not a run: \(String(decoding: line.prefix(200), as: UTF8.self))"))
            }
            if options.json {
                options.printJSON(Array(data))
            } else {
                print(Self.summary(run))
            }
            if GatewayCtl.Recon.breakCount(run) > 0 || !run.findings.isEmpty { throw ExitCode(2) }
        }

        static func summary(_ run: AdminReconRun) -> String {
            var out = "\(run.channel) \(run.businessDate): \(run.statementLines) statement lines, \(run.ledgerRows) ledger rows, "
                + "\(run.durationMs) ms on \(run.node)\n"
            var table = Table("CLASS", "COUNT", "AMOUNT")
            for name in GatewayCtl.Recon.classOrder {
                guard let total = run.totals[name] else { continue }
                table.append(name, "\(total.count)", GatewayCtl.Recon.amounts(total.amounts))
            }
            out += table.render()
            for finding in run.findings {
                out += "\nfinding \(finding.code)" + (finding.lineNumber > 0 ? " (line \(finding.lineNumber))" : "") + ": \(finding.message)"
            }
            out += "\nbreaks: \(GatewayCtl.Recon.breakCount(run)) in this run, \(run.resolvedBreaks) resolved, \(run.openBreaks) open on the channel"
            out += "\nstatement: \(run.statement.file) (\(run.statement.bytes) bytes, sha256 \(run.statement.sha256.prefix(16))…, "
                + (run.statement.downloaded ? "downloaded" : "reused") + ")"
            out += "\ndiscrepancies: \(run.csvFile), \(run.jsonlFile) (under the gateway's data directory)"
            return out
        }
    }
}

/// The last non-progress line of a streamed answer.
final class Final: @unchecked Sendable {
    // @unchecked: set and read under `lock`.
    private let lock = NSLock()
    private var stored: ([UInt8], [String: Any])?

    func set(_ line: [UInt8], _ object: [String: Any]) {
        lock.lock()
        stored = (line, object)
        lock.unlock()
    }

    var value: ([UInt8], [String: Any])? {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}

/// One line per phase on stderr, redrawn in place (only on a terminal).
final class ProgressBars: @unchecked Sendable {
    // @unchecked: drawn under `lock`.
    private let lock = NSLock()
    private let enabled: Bool
    private var phase: String?

    init(enabled: Bool) { self.enabled = enabled }

    func show(_ progress: [String: Any]) {
        guard enabled, let name = progress["phase"] as? String else { return }
        lock.lock()
        defer { lock.unlock() }
        let done = (progress["done"] as? NSNumber)?.int64Value ?? 0
        let total = (progress["total"] as? NSNumber)?.int64Value
        if phase != nil, phase != name { FileHandle.standardError.write(Data("\n".utf8)) }
        phase = name
        let width = 30
        let bar: String
        if let total, total > 0 {
            let filled = Int(min(1, Double(done) / Double(total)) * Double(width))
            bar = "[" + String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled) + "] \(done)/\(total)"
        } else {
            bar = "[" + String(repeating: ".", count: Int(done / 10_000 % Int64(width))) + "] \(done)"
        }
        FileHandle.standardError.write(Data("\r\(name.padding(toLength: 8, withPad: " ", startingAt: 0)) \(bar)\u{1B}[K".utf8))
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if enabled, phase != nil { FileHandle.standardError.write(Data("\n".utf8)) }
        phase = nil
    }
}
