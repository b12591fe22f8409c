import Foundation
import HaixiProtocol

/// The Haixi bank in a test stack: `haixi-sim` with the demo merchant number, libHaixi.so, and a config whose
/// keys come from files — the merchant's key pair and the bank's, made for this test process (no private key
/// is distributed with the document).
enum HaixiStack {
    static let merchantId = "HX310000001"

    /// A folder with `merchant.pem`, `merchant.pub`, `bank.pem`, `bank.pub`, removed when the test process exits.
    static let keys: URL = {
        let folder = URL(fileURLWithPath: keysPath)
        try! FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: HaixiStack.keysPath) }
        for name in ["merchant", "bank"] {
            let signer = try! HaixiSigner.generate()
            try! signer.privateKeyPEM.write(to: folder.appendingPathComponent("\(name).pem"), atomically: true, encoding: .utf8)
            try! signer.publicKeyPEM.write(to: folder.appendingPathComponent("\(name).pub"), atomically: true, encoding: .utf8)
        }
        return folder
    }()

    /// Where ``keys`` lives: one folder per test process.
    static let keysPath = FileManager.default.temporaryDirectory.appendingPathComponent("haixi-stack-keys-\(UUID().uuidString)").path

    static var setup: BankSetup {
        let keys = Self.keys
        return BankSetup(
            channelId: "haixi", pluginFile: "libHaixi.so", simulatorProduct: "haixi-sim",
            simulatorArguments: [
                "--merchant", "\(merchantId)=\(keys.appendingPathComponent("merchant.pub").path)",
                "--bank-key", keys.appendingPathComponent("bank.pem").path,
            ],
            config: { endpoint, requestTimeoutMs in config(endpoint: endpoint, requestTimeoutMs: requestTimeoutMs) },
            environment: [:])
    }

    static func config(endpoint: URL, requestTimeoutMs: Int = 1500) -> String {
        """
        id: haixi
        plugin: haixi
        online: true
        endpoint: \(endpoint.absoluteString)
        currencies: [CNY]
        max_amount: 5000000
        timeouts: {connect_ms: 1000, request_ms: \(requestTimeoutMs), download_ms: 10000}
        settings: {mer_id: \(merchantId)}
        credentials:
          private_key: {file: \(keys.appendingPathComponent("merchant.pem").path)}
          bank_public_key: {file: \(keys.appendingPathComponent("bank.pub").path)}

        """
    }
}
