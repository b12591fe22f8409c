import ArgumentParser
import Foundation
import GatewayAPI

extension GatewayCtl.Payments {
    /// `gatewayctl payments find --merchant M --order O`.
    struct Find: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Find a payment by merchant and merchant order id (GET /admin/payments?merchant=&order=).",
            discussion: GatewayCtl.Payments.exitCodes)

        @OptionGroup var options: GlobalOptions

        @Option(help: "The merchant id.")
        var merchant: String

        @Option(help: "The merchant's order id.")
        var order: String

        func run() async throws {
            var components = URLComponents()
            components.path = "/admin/payments"
            components.queryItems = [URLQueryItem(name: "merchant", value: merchant), URLQueryItem(name: "order", value: order)]
            let path = components.string ?? "/admin/payments"
            let body = try await options.fetch(path)
            if options.json { return options.printJSON(body) }
            print(GatewayCtl.Payments.render(try options.decode(AdminPayment.self, from: body, path: path)))
        }
    }
}
