import ArgumentParser
import Foundation
import MerchantAuth

extension GatewayCtl {
    /// `gatewayctl sign`: the four authentication headers of one merchant API request, for curl, scripts
    /// and for checking a merchant's own signing code against the gateway's.
    struct Sign: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the signature headers of a merchant API request (docs/MERCHANT-AUTH.md).",
            discussion: """
                Signs METHOD TARGET (the path plus ?query, exactly as it will be sent) and the body bytes with \
                the merchant's secret, read from the environment variable named by --secret-env (never \
                printed). Prints X-Merchant-Id, X-Timestamp, X-Nonce and X-Signature as header lines, as JSON \
                (--json), or as a complete curl command for the merchant API at --curl URL.

                The gateway accepts a signature within 5 minutes of its timestamp, and each nonce once: sign \
                again for every request. --timestamp and --nonce fix them, to reproduce a known signature such \
                as the test vector of docs/MERCHANT-AUTH.md.

                Example:
                  export GATEWAY_MERCHANT_DEMO_SECRET=demo-merchant-secret
                  gatewayctl sign --merchant-id demo \\
                    --secret-env GATEWAY_MERCHANT_DEMO_SECRET \\
                    --curl http://127.0.0.1:8080 GET /v1/payments/pay_123

                Exit codes: 0 success, 64 usage (e.g. the variable is not set).
                """
        )

        @OptionGroup var signing: SigningOptions

        @Argument(help: ArgumentHelp("HTTP method, e.g. POST.", valueName: "method"))
        var method: String

        @Argument(help: ArgumentHelp("Path plus ?query as sent, e.g. /v1/payments.", valueName: "target"))
        var target: String

        @Option(help: ArgumentHelp("The request body, signed byte for byte as given.", valueName: "json"))
        var body: String?

        @Option(help: ArgumentHelp("Read the request body from this file ('-': stdin).", valueName: "file"))
        var bodyFile: String?

        @Option(help: ArgumentHelp("X-Timestamp in Unix milliseconds (default: now).", valueName: "ms"))
        var timestamp: Int64?

        @Option(help: ArgumentHelp("X-Nonce (default: a new random one).", valueName: "nonce"))
        var nonce: String?

        @Flag(help: "Print the headers as a JSON object.")
        var json = false

        @Option(help: ArgumentHelp("Print a curl command that sends the request to the merchant API at this base URL.", valueName: "url"))
        var curl: String?

        mutating func validate() throws {
            method = method.uppercased()
            guard !method.isEmpty, method.utf8.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }) else {
                throw ValidationError("METHOD must be an HTTP method such as GET or POST, not '\(method)'.")
            }
            guard target.hasPrefix("/"), !target.contains("#"),
                !target.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F })
            else {
                throw ValidationError("TARGET must be the path plus ?query as sent, e.g. /v1/payments, not '\(target)'.")
            }
            if body != nil, bodyFile != nil { throw ValidationError("give --body or --body-file, not both.") }
            if json, curl != nil { throw ValidationError("give --json or --curl, not both.") }
            if let curl { _ = try MerchantURL(resolving: curl, option: "--curl") }
            if let timestamp, timestamp < 0 { throw ValidationError("--timestamp must be Unix time in milliseconds.") }
            if let nonce, nonce.isEmpty || nonce.contains(where: \.isNewline) {
                throw ValidationError("--nonce must not be empty.")
            }
        }

        func run() throws {
            let bytes = try readBody()
            let signer = try signing.signer()
            let headers = signer.headers(
                method: method, target: target, body: bytes, timestampMs: timestamp ?? MerchantRequestSigner.nowMs(),
                nonce: nonce ?? MerchantRequestSigner.randomNonce())
            if let nonce, !MerchantSignature.isValidNonce(nonce) {
                note("the gateway accepts only 8–64 characters of [A-Za-z0-9-] as X-Nonce; it would refuse this one (invalid_nonce)")
            }
            if let curl {
                let base = try MerchantURL(resolving: curl, option: "--curl")
                print(curlCommand(url: base.appending(target: target), headers: headers, body: bytes))
                note("the command is good for one request within 5 minutes; sign again for the next")
            } else if json {
                let object = Dictionary(uniqueKeysWithValues: headers.map { ($0.name, $0.value) })
                let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            } else {
                for header in headers { print("\(header.name): \(header.value)") }
            }
        }

        /// The body bytes exactly as they will be sent: `--body` as UTF-8, a file's bytes, or nothing.
        func readBody() throws -> [UInt8] {
            if let body { return Array(body.utf8) }
            guard let bodyFile else { return [] }
            if bodyFile == "-" { return Array(FileHandle.standardInput.readDataToEndOfFile()) }
            guard let data = FileManager.default.contents(atPath: bodyFile) else {
                throw ValidationError("cannot read --body-file '\(bodyFile)'.")
            }
            return Array(data)
        }

        /// One line of shell: `curl -sS -X METHOD 'URL' -H '…' … --data-binary '…'`.
        func curlCommand(url: String, headers: [(name: String, value: String)], body: [UInt8]) -> String {
            var words = ["curl", "-sS"]
            if method != "GET" { words += ["-X", method] }
            words.append(Self.quoted(url))
            if !body.isEmpty { words += ["-H", Self.quoted("Content-Type: application/json")] }
            for header in headers { words += ["-H", Self.quoted("\(header.name): \(header.value)")] }
            if let bodyFile, bodyFile != "-" {
                words += ["--data-binary", Self.quoted("@" + bodyFile)]
            } else if !body.isEmpty {
                words += ["--data-binary", Self.quoted(String(decoding: body, as: UTF8.self))]
            }
            return words.joined(separator: " ")
        }

        /// Single-quoted for a POSIX shell.
        static func quoted(_ text: String) -> String {
            "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
        }

        private func note(_ text: String) {
            FileHandle.standardError.write(Data("gatewayctl: note: \(text)\n".utf8))
        }
    }
}
