import ArgumentParser
import Foundation
import HaixiProtocol

extension HaixiSimulatorCommand {
    /// `haixi-sim keygen --private OUT.pem --public OUT.pub`: a fresh RSA 2048 key pair for a demo merchant (or
    /// bank); the private key is written with mode 0600 and never printed.
    struct Keygen: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Writes a fresh RSA 2048 key pair: the private key (PEM, mode 0600) and its public key (PEM).")

        @Option(name: .customLong("private"), help: "Where to write the private key (PEM).")
        var privatePath: String

        @Option(name: .customLong("public"), help: "Where to write the public key (PEM).")
        var publicPath: String

        func run() throws {
            let signer = try HaixiSigner.generate()
            try HaixiSimulatorCommand.write(signer.privateKeyPEM, to: privatePath, permissions: 0o600)
            try HaixiSimulatorCommand.write(signer.publicKeyPEM, to: publicPath, permissions: 0o644)
            print("wrote \(privatePath) and \(publicPath)")
        }
    }

    /// Writes `text` atomically (a temporary file renamed) with `permissions`.
    static func write(_ text: String, to path: String, permissions: Int) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: temporary.path, contents: Data((text + "\n").utf8), attributes: [.posixPermissions: permissions])
        else { throw ValidationError("cannot write \(path)") }
        // rename(2) replaces an existing file atomically (FileManager's replaceItemAt wants one to exist).
        guard rename(temporary.path, url.path) == 0 else {
            try? FileManager.default.removeItem(at: temporary)
            throw ValidationError("cannot write \(path): errno \(errno)")
        }
    }
}
