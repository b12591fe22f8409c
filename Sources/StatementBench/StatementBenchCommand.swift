import ArgumentParser
import ChannelKit
import Foundation
import HaixiProtocol

/// `statement-bench`: writes a bank's statement of N lines in the bank's own format and parses it through the
/// bank's real channel code, reporting the time and the process's peak RSS (run each size in its own process).
@main
struct StatementBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "statement-bench",
        abstract: "Generates and parses bank statements of any size through the channels' own parsers.",
        discussion: "Formats: \(StatementFormat.allCases.map(\.rawValue).joined(separator: ", ")). See BENCHMARKS.md.",
        subcommands: [Generate.self, Parse.self, Download.self])

    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write an N-line statement in a bank's format.")

        @Option(help: "The bank's format.")
        var format: StatementFormat

        @Option(help: "Detail lines (payments; every tenth a refund, every seventh failed).")
        var lines = 2_000_000

        @Option(help: "The business date, yyyy-MM-dd.")
        var date = "2026-12-01"

        @Option(help: "Where to write it.")
        var out: String

        func run() async throws {
            guard let day = BusinessDate(date) else { throw ValidationError("--date takes yyyy-MM-dd") }
            let started = ContinuousClock.now
            let bytes = try format.generator.write(lines: lines, date: day, to: URL(fileURLWithPath: out))
            print(#"{"format":"\#(format.rawValue)","lines":\#(lines),"bytes":\#(bytes),"seconds":\#(seconds(since: started))}"#)
        }
    }

    struct Parse: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Parse a statement through the bank's channel.")

        @Option(help: "The bank's format.")
        var format: StatementFormat

        @Option(help: "The statement file (as `download` stores it).")
        var file: String

        @Option(help: "The business date, yyyy-MM-dd.")
        var date = "2026-12-01"

        @Option(help: "Records per batch (the reconciliation's batch size).")
        var batchSize = 8192

        func run() async throws {
            guard let day = BusinessDate(date) else { throw ValidationError("--date takes yyyy-MM-dd") }
            let url = URL(fileURLWithPath: file)
            let size = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.int64Value ?? 0
            let channel = try await format.channel()
            let started = ContinuousClock.now
            var records = 0
            var issues = 0
            var trailer = false
            for try await batch in channel.parseStatement(
                StatementFile(businessDate: day, location: url, byteCount: size, contentType: nil), batchSize: batchSize)
            {
                records += batch.records.count
                issues += batch.issues.count
                if batch.trailer != nil { trailer = true }
            }
            let elapsed = seconds(since: started)
            print(
                #"{"format":"\#(format.rawValue)","records":\#(records),"issues":\#(issues),"trailer":\#(trailer),"#
                    + #""seconds":\#(elapsed),"records_per_second":\#(Int(Double(records) / max(elapsed, 1e-9))),"#
                    + #""peak_rss_mib":\#(PeakMemory.residentMiB())}"#)
            if issues > 0 { throw ExitCode(3) }
        }
    }
}

extension StatementBenchCommand {
    struct Download: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Haixi: download a statement through the channel (base64 inside a signed 1004 answer), then parse it.",
            discussion: "The bank's answer is written, signed, into the channel's download file by an in-process transport; its time is reported apart.")

        @Option(help: "The fixed-width statement the bank sends (from `generate --format haixi`).")
        var file: String

        @Option(help: "Where the channel stores the decoded statement.")
        var out: String

        @Option(help: "The business date, yyyy-MM-dd.")
        var date = "2026-12-01"

        func run() async throws {
            guard let day = BusinessDate(date) else { throw ValidationError("--date takes yyyy-MM-dd") }
            let bank = try HaixiSigner.generate()
            let transport = HaixiBankTransport(statement: URL(fileURLWithPath: file), bank: bank)
            let channel = try await StatementFormat.haixi.channel(transport: transport, bank: bank)
            let started = ContinuousClock.now
            let downloaded = try await channel.downloadStatement(
                StatementRequest(businessDate: day, destination: URL(fileURLWithPath: out)))
            let total = seconds(since: started)
            let parseStarted = ContinuousClock.now
            var records = 0
            var issues = 0
            for try await batch in channel.parseStatement(downloaded, batchSize: 8192) {
                records += batch.records.count
                issues += batch.issues.count
            }
            let parsing = seconds(since: parseStarted)
            let channelSeconds = ((total - transport.writingSeconds) * 1000).rounded() / 1000
            print(
                #"{"format":"haixi","bytes":\#(downloaded.byteCount),"bank_answer_seconds":\#(transport.writingSeconds),"#
                    + #""channel_verify_decode_seconds":\#(channelSeconds),"parse_seconds":\#(parsing),"records":\#(records),"#
                    + #""issues":\#(issues),"peak_rss_mib":\#(PeakMemory.residentMiB())}"#)
            if issues > 0 { throw ExitCode(3) }
        }
    }
}

func seconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    let value = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    return (value * 1000).rounded() / 1000
}
