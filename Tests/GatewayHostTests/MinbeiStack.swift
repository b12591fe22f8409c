import Foundation
import MinbeiProtocol

/// The Minbei bank in a test stack: `minbei-sim` with the document's demo merchant, libMinbei.so, and a config
/// whose key comes from an environment variable.
enum MinbeiStack {
    static let merchantId = "MB0001"
    static let key = "mb-demo-key-0001"
    static let keyVariable = "MINBEI_TEST_KEY"

    static let setup = BankSetup(
        channelId: "minbei", pluginFile: "libMinbei.so", simulatorProduct: "minbei-sim",
        simulatorArguments: ["--merchant", "\(merchantId)=\(key)"],
        config: { endpoint, requestTimeoutMs in config(endpoint: endpoint, requestTimeoutMs: requestTimeoutMs) },
        environment: [keyVariable: key])

    static func config(endpoint: URL, requestTimeoutMs: Int = 1500) -> String {
        """
        id: minbei
        plugin: minbei
        online: true
        endpoint: \(endpoint.absoluteString)
        currencies: [CNY]
        max_amount: 5000000
        timeouts: {connect_ms: 1000, request_ms: \(requestTimeoutMs), download_ms: 10000}
        settings: {mer_id: \(merchantId)}
        credentials:
          key: {env: \(keyVariable)}

        """
    }

    /// A notification body as the bank would send it, signed with `key`.
    static func notification(_ fields: [(name: String, value: String)], key: String = MinbeiStack.key) -> Data {
        let form = MinbeiSigner(key: key).signed(MinbeiForm([(MinbeiField.service, MinbeiService.notify)] + fields))!
        return Data(form.encoded()!)
    }
}
