import ArgumentParser
import GatewayAPI

extension GatewayCtl.Config {
    /// `gatewayctl config reload`.
    struct Reload: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make the gateway read its config directory now (POST /admin/config/reload).",
            discussion: """
                The gateway also reloads by itself within 1 s of a change and on SIGHUP; this does the same at \
                once, and retries files refused before. A refused file (with file, line and key) leaves its \
                channel running exactly as before.
                Exit codes: 0 every file applied or unchanged, 3 gateway unreachable, 4 HTTP error or unreadable \
                answer, 5 admin token missing or refused, 6 one or more files (or the merchants file) were refused, \
                64 usage.
                """
        )

        @OptionGroup var options: GlobalOptions

        static let path = "/admin/config/reload"

        func run() async throws {
            let body = try await options.post(Self.path, body: [])
            let report = try options.decode(AdminReloadReport.self, from: body, path: Self.path)
            if options.json {
                options.printJSON(body)
            } else {
                print(Self.render(report))
            }
            if !report.rejected.isEmpty || report.merchantsError != nil { throw ExitCode(6) }
        }

        static func render(_ report: AdminReloadReport) -> String {
            var table = Table("FILE", "RESULT", "LINE", "KEY", "MESSAGE")
            for file in report.applied { table.append(file, "applied", nil, nil, nil) }
            for file in report.removed { table.append(file, "removed", nil, nil, nil) }
            for error in report.rejected {
                table.append(error.file, "rejected", error.line.map(String.init), error.key, error.message)
            }
            for file in report.unchanged { table.append(file, "unchanged", nil, nil, nil) }
            var lines = [table.render()]
            if let error = report.merchantsError {
                lines.append("merchants file refused (the merchants before stay in force): \(error)")
            } else if report.merchantsChanged {
                lines.append("merchants file reloaded")
            }
            return lines.joined(separator: "\n")
        }
    }
}
