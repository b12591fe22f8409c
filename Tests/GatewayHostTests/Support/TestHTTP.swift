import AsyncHTTPClient
import Foundation

/// An HTTP response as tests look at it.
struct HTTPResult: Sendable {
    /// The status code.
    let status: Int
    /// The body.
    let body: Data
    /// The header fields, in order.
    let headers: [(name: String, value: String)]

    /// The body as UTF-8 text, for messages.
    var text: String { String(decoding: body, as: UTF8.self) }

    /// Decodes the body as JSON.
    func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: body)
        } catch {
            throw HarnessError("cannot decode \(T.self) from HTTP \(status) body: \(text)\n\(error)")
        }
    }
}

/// A tiny JSON client over the process-wide `HTTPClient.shared` (a singleton that needs no shutdown, so no
/// test can leak or double-shut a client). Only loopback URLs are used.
///
/// A merchant API request (`/v1/…` but not `/v1/notify/…`) whose `X-Merchant-Id` is one of `TestMerchants`
/// is signed with a fresh timestamp and nonce, unless `signed` is false (the authentication tests).
enum TestHTTP {
    /// GETs `url`.
    static func get(_ url: URL, headers: [String: String] = [:], signed: Bool = true) async throws -> HTTPResult {
        try await send("GET", url, body: nil, headers: headers, signed: signed)
    }

    /// POSTs `json` encoded as JSON.
    static func post(_ url: URL, json: some Encodable, headers: [String: String] = [:], signed: Bool = true) async throws
        -> HTTPResult
    {
        try await post(url, body: JSONEncoder().encode(json), headers: headers, signed: signed)
    }

    /// POSTs raw bytes with `Content-Type: application/json`.
    static func post(_ url: URL, body: Data, headers: [String: String] = [:], signed: Bool = true) async throws
        -> HTTPResult
    {
        try await send("POST", url, body: body, headers: headers, signed: signed)
    }

    static func send(
        _ method: String, _ url: URL, body: Data?, headers: [String: String], signed: Bool = true,
        timeout: Duration = .seconds(30)
    ) async throws -> HTTPResult {
        var headers = headers
        if signed, url.path.hasPrefix("/v1/"), !url.path.hasPrefix("/v1/notify/"), let merchant = headers["X-Merchant-Id"],
            let signature = TestMerchants.signedHeaders(merchant: merchant, method: method, url: url, body: body ?? Data())
        {
            headers.merge(signature) { _, new in new }
        }
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .init(rawValue: method)
        request.headers.add(name: "Accept", value: "application/json")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(body)
        }
        for (name, value) in headers {
            request.headers.replaceOrAdd(name: name, value: value)
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000))
        let buffer = try await response.body.collect(upTo: 16 << 20)
        let result = HTTPResult(
            status: Int(response.status.code), body: Data(buffer.readableBytesView),
            headers: response.headers.map { (name: $0.name, value: $0.value) })
        APICoverageLog.record(method: method, url: url, result: result)
        return result
    }
}

extension TestHTTP {
    /// POSTs `body` signed as `merchant` on a client of the caller's (one with more connections per host than
    /// the shared client's eight, for concurrency tests).
    static func signedPost(_ client: HTTPClient, _ url: URL, body: Data, merchant: String = "m1", timeout: Int64 = 60)
        async throws -> HTTPResult
    {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "X-Merchant-Id", value: merchant)
        for (name, value) in TestMerchants.signedHeaders(merchant: merchant, method: "POST", url: url, body: body) ?? [:] {
            request.headers.replaceOrAdd(name: name, value: value)
        }
        request.body = .bytes(body)
        let response = try await client.execute(request, timeout: .seconds(timeout))
        let buffer = try await response.body.collect(upTo: 1 << 20)
        let result = HTTPResult(
            status: Int(response.status.code), body: Data(buffer.readableBytesView),
            headers: response.headers.map { (name: $0.name, value: $0.value) })
        APICoverageLog.record(method: "POST", url: url, result: result)
        return result
    }
}
