import ChannelKit
import Foundation
import JiangnanProtocol

/// Downloads a statement: `GET /api/v1/statement?date=yyyyMMdd`, signed with an empty body, streamed to the
/// destination file by the gateway's transport.
///
/// - `200` with `text/csv` (or with no Content-Type and not a JSON object): the file. When the answer is signed, the signature (METHOD `RESP`) is checked over
///   the file's bytes; a bad one deletes the file and throws ``PaymentChannelError/Code/statementUnavailable``.
/// - a signed JSON envelope: `3005` → ``PaymentChannelError/Code/statementNotReady``, `4001` →
///   ``PaymentChannelError/Code/invalidRequest``, anything else → ``PaymentChannelError/Code/statementUnavailable``.
struct JiangnanStatementDownloader: Sendable {
    let client: JiangnanClient
    let logger: any ChannelLogger

    /// The largest error envelope read back from the destination file.
    private static let maximumEnvelopeBytes = 1 << 20

    func download(_ request: StatementRequest) async throws(PaymentChannelError) -> StatementFile {
        let target = JiangnanRules.statementPath + "?date=" + request.businessDate.compact
        let message = try client.signedRequest(
            method: "GET", target: target, body: Data(), timeout: client.settings.downloadTimeout)
        let sentAt = Int64(message.headers.value(for: JiangnanHeaders.timestamp) ?? "") ?? client.nowMilliseconds()
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
        // Without a Content-Type, an answer that does not start like a JSON object is taken for the file.
        let isCSV = contentType.map { $0.lowercased().hasPrefix("text/csv") } ?? !startsWithBrace(file)
        guard isCSV else {
            try handleEnvelope(file: file, headers: response.headers, target: target, sentAt: sentAt, contentType)
        }

        if response.headers.value(for: JiangnanHeaders.signature) == nil {
            logger.warning("statement answer carries no signature; accepted unverified", metadata: ["target": target])
        } else {
            let hash: String
            do {
                hash = try JiangnanSigner.bodyHash(ofFileAt: file)
            } catch {
                remove(file)
                throw PaymentChannelError(.statementUnavailable, "the downloaded statement cannot be read: \(error)")
            }
            let check = client.checkSignature(response.headers, target: target, bodyHash: hash, reference: sentAt)
            guard check == .valid else {
                remove(file)
                logger.error("statement signature check failed", metadata: ["target": target, "check": "\(check)"])
                throw PaymentChannelError(.statementUnavailable, "statement answer cannot be verified: \(check)")
            }
        }

        let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? NSNumber)?.int64Value ?? 0
        logger.info("statement downloaded", metadata: ["date": request.businessDate.compact, "bytes": "\(size)"])
        return StatementFile(
            businessDate: request.businessDate, location: file, byteCount: size, contentType: contentType)
    }

    /// A non-CSV answer: a signed envelope explains why there is no statement. Always throws.
    private func handleEnvelope(
        file: URL, headers: [HTTPHeaderField], target: String, sentAt: Int64, _ contentType: String?
    ) throws(PaymentChannelError) -> Never {
        defer { remove(file) }
        let body: Data
        do {
            let handle = try FileHandle(forReadingFrom: file)
            defer { try? handle.close() }
            body = try handle.read(upToCount: Self.maximumEnvelopeBytes + 1) ?? Data()
        } catch {
            throw PaymentChannelError(.statementUnavailable, "the bank's answer cannot be read: \(error)")
        }
        guard body.count <= Self.maximumEnvelopeBytes,
            let head = try? JSONDecoder().decode(EnvelopeHead.self, from: body)
        else {
            throw PaymentChannelError(
                .statementUnavailable, "unexpected answer of type \(contentType ?? "(none)") instead of text/csv")
        }
        let check = client.checkSignature(
            headers, target: target, bodyHash: JiangnanSigner.bodyHash(body), reference: sentAt)
        guard check == .valid else {
            if head.code == JiangnanCode.badSignature {
                logger.error(
                    "configuration alarm: the bank refused our signature (3001) and its answer does not verify "
                        + "with our secret; check merchant_no and secret",
                    metadata: ["target": target, "merchant_no": client.settings.merchantNo])
            }
            throw PaymentChannelError(
                .statementUnavailable, "unverifiable answer (\(check), claimed code \(head.code))")
        }
        let text = head.msg.flatMap { $0.isEmpty ? nil : $0 } ?? JiangnanCode.message(for: head.code)
        switch head.code {
        case JiangnanCode.statementNotReady:
            throw PaymentChannelError(.statementNotReady, "statement not ready: \(text)", bankCode: head.code)
        case JiangnanCode.invalidParameter:
            throw PaymentChannelError(.invalidRequest, "statement request refused: \(text)", bankCode: head.code)
        default:
            logger.warning("statement refused", metadata: ["target": target, "code": head.code])
            throw PaymentChannelError(.statementUnavailable, "statement refused: \(text)", bankCode: head.code)
        }
    }

    private func startsWithBrace(_ file: URL) -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: file) else { return false }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 1))?.first == UInt8(ascii: "{")
    }

    private func remove(_ file: URL) {
        try? FileManager.default.removeItem(at: file)
    }

    private struct EnvelopeHead: Decodable {
        let code: String
        let msg: String?
    }
}
