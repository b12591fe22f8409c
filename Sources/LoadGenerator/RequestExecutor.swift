import AsyncHTTPClient
import NIOCore
import NIOPosix

/// Sends one payment request (a new order id, freshly signed) and reports its outcome.
struct RequestExecutor: Sendable {
    /// Largest answer body read; a payment answer is a few hundred bytes.
    static let maximumBodyBytes = 1 << 20

    let client: HTTPClient
    let factory: any LoadRequestFactory
    let orderIds: OrderIdGenerator
    let timeout: TimeAmount

    func send() async -> RequestOutcome {
        let request = factory.request(orderId: orderIds.next())
        do {
            let response = try await client.execute(request, timeout: timeout)
            let body = try await response.body.collect(upTo: Self.maximumBodyBytes)
            return factory.outcome(status: response.status.code, body: body)
        } catch {
            return .failure(kind: Self.kind(of: error))
        }
    }

    /// A short, bounded name for a transport error: `timeout`, `connect`, `remote_connection_closed`, ...
    static func kind(of error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout, .getConnectionFromPoolTimeout:
                return "timeout"
            default:
                return snakeCase(String(describing: error).replacingPrefix("HTTPClientError.", with: ""))
            }
        }
        if error is NIOConnectionError { return "connect" }
        if error is IOError { return "io" }
        return snakeCase(String(describing: type(of: error)))
    }

    /// `Remote connection closed` → `remote_connection_closed`, `remoteConnectionClosed` → the same.
    static func snakeCase(_ text: String) -> String {
        var out = ""
        var previousWasSeparator = true
        for character in text {
            if character.isUppercase, !previousWasSeparator, !out.isEmpty {
                out.append("_")
            }
            if character.isLetter || character.isNumber {
                out += character.lowercased()
                previousWasSeparator = false
            } else if !previousWasSeparator {
                out.append("_")
                previousWasSeparator = true
            }
        }
        while out.hasSuffix("_") { out.removeLast() }
        return out.isEmpty ? "transport" : String(out.prefix(48))
    }
}

extension String {
    fileprivate func replacingPrefix(_ prefix: String, with replacement: String) -> String {
        hasPrefix(prefix) ? replacement + dropFirst(prefix.count) : self
    }
}
