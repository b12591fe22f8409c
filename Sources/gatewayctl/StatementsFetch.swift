import ArgumentParser
import Foundation
import GatewayAPI

extension GatewayCtl.Statements {
    /// `gatewayctl statements fetch --channel X --date YYYY-MM-DD [--records]`.
    struct Fetch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Download a channel's statement for a business day, parse it, and print what it holds.",
            discussion: """
                POST /admin/channels/{id}/statements. The gateway downloads the bank's statement through the \
                channel's plugin into its data directory and parses it with the same plugin; this prints the file, \
                its size, the record count, the bank's trailer totals and every line that could not be parsed, and \
                with --records a table of the records (amounts in minor units). Nothing is reconciled: that is \
                `gatewayctl recon run`. A statement exists once the bank's day (in its time zone) has ended and the \
                bank's delay has passed; before that the gateway answers 409 statement_not_ready.
                Exit codes: 0 fetched and every line parsed, 2 fetched but some lines (or a whole-file check) are \
                issues, 3 gateway unreachable, 4 HTTP error (404 unknown_channel, 409 statement_not_ready, 422 \
                invalid_date / statement_unsupported, 502 statement_unavailable / statement_unreadable, 503 \
                channel_unavailable) or unreadable answer, 5 admin token missing or refused, 64 usage (e.g. a \
                --date that is not yyyy-MM-dd).
                """)

        @OptionGroup var options: GlobalOptions

        @Option(help: "The channel id.")
        var channel: String

        @Option(help: ArgumentHelp("The bank's business date.", valueName: "yyyy-MM-dd"))
        var date: String

        @Flag(help: "Print every record as well.")
        var records = false

        @Option(help: ArgumentHelp("Seconds the download and parse may take.", valueName: "seconds"))
        var fetchTimeout = 600

        static let withIssues = ExitCode(2)

        func validate() throws {
            guard Self.isDate(date) else { throw ValidationError("--date must be a date yyyy-MM-dd, got '\(date)'") }
            guard !channel.isEmpty, channel.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                throw ValidationError("--channel must be a channel id, got '\(channel)'")
            }
            guard fetchTimeout > 0 else { throw ValidationError("--fetch-timeout must be positive") }
        }

        /// yyyy-MM-dd with a real month and day.
        static func isDate(_ text: String) -> Bool {
            let parts = text.split(separator: "-", omittingEmptySubsequences: false)
            guard text.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
                parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
                let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), (1...12).contains(month)
            else { return false }
            var components = DateComponents(year: year, month: month, day: day)
            components.calendar = Calendar(identifier: .gregorian)
            return day >= 1 && components.isValidDate
        }

        func run() async throws {
            let path = "/admin/channels/\(channel)/statements?date=\(date)" + (records ? "&records=true" : "")
            let client = AdminClient(url: try options.adminURL, timeout: .seconds(Int64(fetchTimeout)), token: try options.adminToken)
            let body: [UInt8]
            do {
                body = try await client.post(path, body: [])
            } catch {
                throw GlobalOptions.fail(error)
            }
            let summary = try options.decode(AdminStatementSummary.self, from: body, path: path)
            if options.json {
                options.printJSON(body)
            } else {
                print(Self.render(summary))
            }
            if !summary.issues.isEmpty { throw Self.withIssues }
        }

        /// The summary, the records (when asked for) and the issues as text.
        static func render(_ summary: AdminStatementSummary) -> String {
            var head = Table("CHANNEL", "DATE", "FILE", "BYTES", "RECORDS", "ISSUES", "TRAILER")
            let trailer = summary.trailer.map {
                "\($0.recordCount) records, amounts \($0.amountTotal), fees \($0.feeTotal) (line \($0.lineNumber))"
            }
            head.append(
                summary.channel, summary.businessDate, summary.file, String(summary.bytes), String(summary.recordCount),
                String(summary.issueCount), trailer ?? "none")
            var sections = [head.render()]
            if let records = summary.records {
                var table = Table(
                    "LINE", "TRANSACTION", "BANK ID", "KIND", "AMOUNT", "CURRENCY", "FEE", "STATUS", "FINISHED", "ORIGINAL")
                for record in records {
                    table.append(
                        String(record.lineNumber), record.transactionId, record.bankTransactionId, record.kind,
                        String(record.amount), record.currency,
                        record.feeCurrency == record.currency ? String(record.fee) : "\(record.fee) \(record.feeCurrency)",
                        record.status, record.finishedAt, record.originalTransactionId)
                }
                sections += ["", "RECORDS", records.isEmpty ? "(none)" : table.render()]
            }
            if !summary.issues.isEmpty {
                var table = Table("LINE", "REASON", "TEXT")
                for issue in summary.issues { table.append(String(issue.lineNumber), issue.reason, issue.line) }
                sections += ["", "ISSUES", table.render()]
            }
            return sections.joined(separator: "\n")
        }
    }
}
