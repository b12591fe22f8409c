extension ScaffoldTemplates {
    /// `Sources/{{Module}}/{{Module}}Statements.swift` of a generated package.
    static let sourcesStatementsSwift = ScaffoldFile(
        "Sources/{{Module}}/{{Module}}Statements.swift",
        #"""
import {{Module}}Protocol
import ChannelKit
import Foundation

/// Downloads a day's statement file and checks the bank's signature over it before anyone reads it.
struct {{Module}}Statements: Sendable {
    let context: ChannelContext
    let settings: {{Module}}Settings

    func download(_ request: StatementRequest) async throws -> StatementFile {
        let message = {{Module}}Wire.encode(
            [{{Module}}Field.merchantNo: settings.merchantNo, {{Module}}Field.date: request.businessDate.description],
            key: settings.signingKey)
        let http = HTTPRequestMessage(
            method: "POST", url: context.configuration.endpoint.appendingPathComponent({{Module}}API.statementPath),
            headers: message.headers.map { HTTPHeaderField($0.name, $0.value) }, body: Data(message.body),
            timeout: context.configuration.timeouts.download)
        let response: HTTPResponseMessage
        do {
            response = try await context.transport.download(http, to: request.destination)
        } catch {
            throw PaymentChannelError(.statementUnavailable, "download failed: \(error)")
        }
        // PARTNER: how your bank says "not yet" (here: HTTP 404).
        guard response.status != 404 else {
            throw PaymentChannelError(.statementNotReady, "no statement for \(request.businessDate) yet")
        }
        guard response.status == 200 else {
            throw PaymentChannelError(.statementUnavailable, "the bank answered HTTP \(response.status)")
        }
        guard let signature = response.headers.value(for: {{Module}}API.signatureHeader),
            settings.verificationKeys.contains(where: { (try? Self.mac(of: request.destination, key: $0)).map { HMACSHA256.equal($0, signature) } ?? false })
        else {
            throw PaymentChannelError(.statementUnavailable, "the statement's signature did not verify")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: request.destination.path)[.size] as? NSNumber)?.int64Value ?? 0
        return StatementFile(businessDate: request.businessDate, location: request.destination, byteCount: size, contentType: "text/csv")
    }

    /// The hex HMAC-SHA256 of a file, read in chunks.
    static func mac(of file: URL, key: String) throws -> String {
        let handle = try FileHandle(forReadingFrom: file)
        defer { try? handle.close() }
        var block = Array(key.utf8)
        if block.count > 64 { block = SHA256.hash(block) }
        block += [UInt8](repeating: 0, count: 64 - block.count)
        var inner = SHA256()
        inner.update(block.map { $0 ^ 0x36 })
        while let chunk = try handle.read(upToCount: 1 << 16), !chunk.isEmpty { inner.update(chunk) }
        var outer = SHA256()
        outer.update(block.map { $0 ^ 0x5c })
        outer.update(inner.finalize())
        return outer.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
"""#)
}
