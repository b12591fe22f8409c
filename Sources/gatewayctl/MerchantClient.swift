import AsyncHTTPClient
import Foundation
import MerchantAuth
import NIOCore

/// Sends signed merchant API requests (docs/MERCHANT-AUTH.md). Each request is signed just before it is
/// sent, with a fresh timestamp and nonce, over exactly the target and body bytes that go on the wire.
/// One short-lived `HTTPClient` per call, shut down before returning.
struct MerchantClient: Sendable {
    /// An answer of the merchant API, 2xx or not.
    struct Answer: Sendable {
        var status: Int
        var reason: String
        var headers: [(name: String, value: String)]
        var body: [UInt8]

        func header(_ name: String) -> String? {
            headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
        }
    }

    /// The merchant API base URL.
    let url: MerchantURL
    /// Signs every request.
    let signer: MerchantRequestSigner
    /// How long a whole request may take.
    let timeout: TimeAmount

    /// Sends `method target` with `body` (JSON when not empty); a non-2xx answer is an error.
    func send(_ method: String, _ target: String, body: [UInt8] = []) async throws(MerchantClientError) -> Answer {
        let answer = try await exchange(method, target, body: body)
        guard (200..<300).contains(answer.status) else {
            throw .httpStatus(
                answer.status, reason: answer.reason, body: String(decoding: answer.body, as: UTF8.self),
                request: "\(method) \(url.appending(target: target))")
        }
        return answer
    }

    /// Sends one signed request and returns whatever HTTP answer came back.
    func exchange(_ method: String, _ target: String, body: [UInt8]) async throws(MerchantClientError) -> Answer {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: min(timeout, .seconds(2)), read: timeout)
        // A refused connection should fail the request at once instead of being retried until the deadline.
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.redirectConfiguration = .disallow
        let address = url.appending(target: target)
        let timeout = timeout
        let signer = signer
        do {
            return try await HTTPClient.withHTTPClient(configuration: configuration) { client in
                var request = HTTPClientRequest(url: address)
                request.method = .init(rawValue: method)
                request.headers.add(name: "Accept", value: "application/json")
                if !body.isEmpty {
                    request.headers.add(name: "Content-Type", value: "application/json")
                    request.body = .bytes(ByteBuffer(bytes: body))
                }
                for header in signer.headers(method: method, target: target, body: body) {
                    request.headers.replaceOrAdd(name: header.name, value: header.value)
                }
                let response = try await client.execute(request, timeout: timeout)
                let collected = try await response.body.collect(upTo: 16 * 1024 * 1024)
                return Answer(
                    status: Int(response.status.code), reason: response.status.reasonPhrase,
                    headers: response.headers.map { (name: $0.name, value: $0.value) }, body: Array(buffer: collected))
            }
        } catch {
            throw .unreachable(url: url.base, reason: AdminClient.describe(error))
        }
    }
}
