import ChannelKit
import Foundation
import MinbeiProtocol

/// Downloads a statement: `service=bill&bill_date=yyyyMMdd`, streamed to the destination file by the gateway's
/// transport.
///
/// - `200` with `application/x-gzip` (or, without that type, a body starting with the gzip magic bytes): the
///   file, kept compressed; the parser decompresses it while it reads.
/// - a signed form: `B1` → ``PaymentChannelError/Code/statementNotReady``, anything else →
///   ``PaymentChannelError/Code/statementUnavailable``; an unverifiable form is unavailable too.
struct MinbeiStatementDownloader: Sendable {
    let client: MinbeiClient
    let logger: any ChannelLogger

    /// The largest error form read back from the destination file.
    private static let maximumFormBytes = 1 << 16

    func download(_ request: StatementRequest) async throws(PaymentChannelError) -> StatementFile {
        let settings = client.settings
        let message = try client.signedRequest(
            [
                (MinbeiField.service, MinbeiService.bill), (MinbeiField.merchantId, settings.merchantId),
                (MinbeiField.billDate, request.businessDate.compact),
            ], timeout: settings.downloadTimeout)
        let file = request.destination
        let response: HTTPResponseMessage
        do {
            response = try await client.transport.download(message, to: file)
        } catch {
            remove(file)
            let text = (error as? TransportError)?.description ?? String(describing: error)
            logger.warning("statement download failed", metadata: ["date": request.businessDate.compact, "error": text])
            throw PaymentChannelError(.statementUnavailable, "statement download failed: \(text)")
        }
        guard response.status == 200 else {
            remove(file)
            throw PaymentChannelError(.statementUnavailable, "the bank answered HTTP \(response.status)")
        }
        let contentType = response.headers.value(for: "Content-Type")
        let isGzip = contentType.map { $0.lowercased().hasPrefix("application/x-gzip") || $0.lowercased().hasPrefix("application/gzip") }
            ?? false
        guard isGzip || startsWithGzipMagic(file) else {
            try handleForm(file: file, contentType)
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? NSNumber)?.int64Value ?? 0
        logger.info("statement downloaded", metadata: ["date": request.businessDate.compact, "bytes": "\(size)"])
        return StatementFile(businessDate: request.businessDate, location: file, byteCount: size, contentType: contentType)
    }

    /// A form instead of the file: a signed `resp_code` says why. Always throws.
    private func handleForm(file: URL, _ contentType: String?) throws(PaymentChannelError) -> Never {
        defer { remove(file) }
        let body: Data
        do {
            let handle = try FileHandle(forReadingFrom: file)
            defer { try? handle.close() }
            body = try handle.read(upToCount: Self.maximumFormBytes + 1) ?? Data()
        } catch {
            throw PaymentChannelError(.statementUnavailable, "the bank's answer cannot be read: \(error)")
        }
        guard body.count <= Self.maximumFormBytes else {
            throw PaymentChannelError(
                .statementUnavailable, "unexpected answer of type \(contentType ?? "(none)") instead of application/x-gzip")
        }
        switch client.verify(body: body, service: MinbeiService.bill) {
        case .verified(let answer):
            let text = answer.describedMessage
            switch answer.code {
            case MinbeiCode.billNotReady:
                throw PaymentChannelError(.statementNotReady, "statement not ready: \(text)", bankCode: answer.code)
            default:
                logger.warning("statement refused", metadata: ["code": answer.code])
                throw PaymentChannelError(.statementUnavailable, "statement refused: \(answer.code) \(text)", bankCode: answer.code)
            }
        case .unverifiable(let reason, let claimed):
            throw PaymentChannelError(
                .statementUnavailable, "unverifiable answer (\(reason)\(claimed.map { ", claimed resp_code \($0)" } ?? ""))")
        case .transportFailed, .httpStatus:
            throw PaymentChannelError(.statementUnavailable, "unexpected answer of type \(contentType ?? "(none)")")
        }
    }

    private func startsWithGzipMagic(_ file: URL) -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: file) else { return false }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 2)).map { Array($0) == [0x1F, 0x8B] } ?? false
    }

    private func remove(_ file: URL) {
        try? FileManager.default.removeItem(at: file)
    }
}
