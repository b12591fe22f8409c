import ArgumentParser
import GatewayAPI

extension GatewayCtl.Payments {
    /// `gatewayctl payments show ID`.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a payment by its id (GET /admin/payments/ID).",
            discussion: GatewayCtl.Payments.exitCodes)

        @OptionGroup var options: GlobalOptions

        @Argument(help: "The payment id (pay_…).")
        var id: String

        func run() async throws {
            let path = "/admin/payments/\(id)"
            let body = try await options.fetch(path)
            if options.json { return options.printJSON(body) }
            print(GatewayCtl.Payments.render(try options.decode(AdminPayment.self, from: body, path: path)))
        }
    }
}
