import ArgumentParser
import Foundation
import GatewayAPI

extension GatewayCtl.Recon {
    /// `gatewayctl recon runs`.
    struct Runs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List stored reconciliation runs (newest day first) and the scheduled days that are overdue.",
            discussion: "GET /admin/recon/runs. \(GatewayCtl.Recon.exitCodes)")

        @OptionGroup var options: GlobalOptions

        @Option(help: "Only this channel's runs.")
        var channel: String?

        @Option(help: "At most this many runs (1–1000).")
        var limit = 50

        func validate() throws {
            guard (1...1000).contains(limit) else { throw ValidationError("--limit must be between 1 and 1000") }
        }

        func run() async throws {
            let path = "/admin/recon/runs?limit=\(limit)" + GatewayCtl.Recon.channelQuery(channel)
            let body = try await options.fetch(path)
            if options.json { return options.printJSON(body) }
            let answer = try options.decode(AdminReconRuns.self, from: body, path: path)
            if answer.runs.isEmpty {
                print("no reconciliation runs")
            } else {
                var table = Table("CHANNEL", "DATE", "LINES", "LEDGER", "MATCHED", "BREAKS", "COMPENSATED", "OPEN", "NODE", "MS", "FINISHED")
                for run in answer.runs {
                    table.append(
                        run.channel, run.businessDate, "\(run.statementLines)", "\(run.ledgerRows)",
                        "\(run.totals["matched"]?.count ?? 0)", "\(GatewayCtl.Recon.breakCount(run))",
                        "\(run.totals["compensated"]?.count ?? 0)", "\(run.openBreaks)", run.node, "\(run.durationMs)",
                        run.finishedAt)
                }
                print(table.render())
            }
            if !answer.overdue.isEmpty {
                var table = Table("OVERDUE CHANNEL", "DATE", "DUE SINCE", "LAST ERROR")
                for day in answer.overdue { table.append(day.channel, day.businessDate, day.dueSince, day.lastError) }
                print(table.render())
            }
        }
    }

    /// `gatewayctl recon breaks`.
    struct Breaks: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List stored breaks with their state and age, oldest first.",
            discussion: "GET /admin/recon/breaks. \(GatewayCtl.Recon.exitCodes)")

        @OptionGroup var options: GlobalOptions

        @Option(help: "Only this channel's breaks.")
        var channel: String?

        @Flag(help: "Only open and persisting breaks.")
        var open = false

        @Option(help: "At most this many breaks per page (1–10000).")
        var limit = 500

        @Option(help: "Start after this page token (the 'next' of an earlier page).")
        var after: String?

        @Flag(help: "Every page, not only the first.")
        var all = false

        func validate() throws {
            guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 10000") }
        }

        func run() async throws {
            let base = "/admin/recon/breaks?limit=\(limit)" + GatewayCtl.Recon.channelQuery(channel) + (open ? "&open=true" : "")
            var answer = AdminBreaks(breaks: [])
            var token = after
            repeat {
                let path = base + (token.map { "&after=\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(["-", "_"])) ?? $0)" } ?? "")
                let body = try await options.fetch(path)
                let page = try options.decode(AdminBreaks.self, from: body, path: path)
                if options.json, !all { return options.printJSON(body) }
                answer.breaks += page.breaks
                answer.next = page.next
                token = page.next
            } while all && token != nil
            if options.json { return options.printJSON(Array(try JSONEncoder().encode(answer))) }
            guard !answer.breaks.isEmpty else {
                print(open ? "no open breaks" : "no breaks")
                return
            }
            var table = Table("BREAK", "CHANNEL", "CLASS", "STATE", "TRANSACTION", "AMOUNT", "FIRST SEEN", "LAST SEEN", "AGE")
            for item in answer.breaks {
                table.append(
                    item.id, item.channel, item.breakClass, item.state, item.transactionId ?? item.lineNumber.map { "line \($0)" },
                    item.amount.map { "\($0) \(item.currency ?? "")" }, item.firstSeen, item.lastSeen, "\(item.ageDays) d")
            }
            print(table.render())
            if let next = answer.next { print("more: gatewayctl recon breaks --after \(next) (or --all)") }
        }
    }

    /// `gatewayctl recon resolve BREAK --note …`.
    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Resolve a break by hand; the note, the admin token's name and the time are recorded.",
            discussion: "POST /admin/recon/breaks/{id}/resolve. \(GatewayCtl.Recon.exitCodes)")

        @OptionGroup var options: GlobalOptions

        @Argument(help: "The break id (brk_…).")
        var id: String

        @Option(help: "Why it is resolved (what was done about it).")
        var note: String

        func validate() throws {
            guard !note.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--note must say why") }
        }

        func run() async throws {
            let path = "/admin/recon/breaks/\(id.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(["_"])) ?? id)/resolve"
            let body = try await options.post(path, body: Array(try JSONEncoder().encode(AdminBreakResolve(note: note))))
            if options.json { return options.printJSON(body) }
            let resolved = try options.decode(AdminBreak.self, from: body, path: path)
            print("\(resolved.id) \(resolved.breakClass) resolved by \(resolved.resolvedBy ?? "?") at \(resolved.resolvedAt ?? "?"): \(resolved.resolution ?? "")")
        }
    }
}
