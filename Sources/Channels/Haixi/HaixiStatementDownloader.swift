import ChannelKit
import Foundation
import HaixiProtocol

/// Downloads a statement: TxCode 1004 with `BillDate`. The answer (`FileName, FileSize, FileContent`, the file
/// in base64: ~344 MB for 2,000,000 lines) is streamed by the gateway's transport into a temporary file beside
/// the destination, read there in chunks — its structure by a byte scan, SHA-256 of its signed bytes as they
/// pass, checked against the bank's signature — and only then `FileContent` is decoded, streaming, into the
/// destination. The temporary file is always removed.
///
/// - a verified `000000` with `FileContent` whose decoded size is `FileSize` → the statement file;
/// - a verified `300005` (bill not generated yet) → ``PaymentChannelError/Code/statementNotReady``;
/// - any other code, an unverifiable or malformed answer, HTTP other than 200, a transport failure →
///   ``PaymentChannelError/Code/statementUnavailable``.
struct HaixiStatementDownloader: Sendable {
    let client: HaixiClient
    let logger: any ChannelLogger

    func download(_ request: StatementRequest) async throws(PaymentChannelError) -> StatementFile {
        let date = request.businessDate.compact
        let serialNo = HaixiSerial.fresh("bill")
        let message = client.message(
            txCode: HaixiTxCode.statement, serialNo: serialNo, body: [(HaixiElement.billDate, date)])
        let http = try client.request(message, timeout: client.settings.downloadTimeout)
        let destination = request.destination
        let answer = destination.deletingLastPathComponent()
            .appendingPathComponent(".\(destination.lastPathComponent).\(UUID().uuidString).answer.xml")
        defer { remove(answer) }

        let response: HTTPResponseMessage
        do {
            response = try await client.transport.download(http, to: answer)
        } catch {
            let text = (error as? TransportError)?.description ?? String(describing: error)
            logger.warning("statement download failed", metadata: ["date": date, "error": text])
            throw PaymentChannelError(.statementUnavailable, "statement download failed: \(text)")
        }
        guard response.status == 200 else {
            throw PaymentChannelError(.statementUnavailable, "the bank answered HTTP \(response.status)")
        }

        let envelope: HaixiEnvelopeFile
        do {
            envelope = try HaixiEnvelopeFile.read(answer, largeElement: HaixiElement.fileContent)
        } catch {
            logger.warning("statement answer is not a Haixi message", metadata: ["date": date, "problem": error.description])
            throw PaymentChannelError(.statementUnavailable, "the answer is not a Haixi message: \(error.description)")
        }
        let claimed = envelope.head[HaixiElement.respCode]
        guard client.settings.verifiers.contains(where: { envelope.isSigned(by: $0) }) else {
            logger.error(
                "statement answer's signature does not verify with bank_public_key",
                metadata: ["date": date, "code": claimed ?? ""])
            throw PaymentChannelError(
                .statementUnavailable,
                "statement answer cannot be verified: invalid signature" + (claimed.map { " (claimed code \($0))" } ?? ""))
        }
        let echoed = [
            (HaixiElement.txCode, HaixiTxCode.statement), (HaixiElement.merchantId, client.settings.merchantId),
            (HaixiElement.serialNo, serialNo),
        ]
        for (name, expected) in echoed where envelope.head[name] != expected {
            throw PaymentChannelError(
                .statementUnavailable, "statement answer cannot be verified: \(name) is not the echo of our message")
        }
        let code = claimed ?? ""
        let text = envelope.head[HaixiElement.respMessage].flatMap { $0.isEmpty ? nil : $0 } ?? HaixiCode.message(for: code)
        switch code {
        case HaixiCode.accepted:
            break
        case HaixiCode.billNotReady:
            throw PaymentChannelError(.statementNotReady, "statement not ready: \(text)", bankCode: code)
        default:
            if code == HaixiCode.signatureFailed {
                logger.error("the bank refused our signature (300001); check mer_id and keys", metadata: ["date": date])
            }
            logger.warning("statement refused", metadata: ["date": date, "code": code])
            throw PaymentChannelError(.statementUnavailable, "statement refused: \(text)", bankCode: code.isEmpty ? nil : code)
        }

        guard let range = envelope.largeElementRange else {
            throw PaymentChannelError(.statementUnavailable, "a 000000 answer without FileContent", bankCode: code)
        }
        guard let sizeText = envelope.body[HaixiElement.fileSize], let expectedSize = Int64(sizeText), expectedSize >= 0
        else {
            throw PaymentChannelError(.statementUnavailable, "FileSize is missing or not a number", bankCode: code)
        }
        let written: Int64
        do {
            written = try HaixiEnvelopeFile.decodeBase64(range, of: answer, into: destination)
        } catch {
            remove(destination)
            throw PaymentChannelError(.statementUnavailable, "cannot decode the statement: \(error.description)", bankCode: code)
        }
        guard written == expectedSize else {
            remove(destination)
            throw PaymentChannelError(
                .statementUnavailable, "FileContent decodes to \(written) bytes but FileSize says \(expectedSize)",
                bankCode: code)
        }
        logger.info(
            "statement downloaded",
            metadata: ["date": date, "bytes": "\(written)", "file_name": envelope.body[HaixiElement.fileName] ?? ""])
        return StatementFile(
            businessDate: request.businessDate, location: destination, byteCount: written, contentType: "text/plain")
    }

    private func remove(_ file: URL) {
        try? FileManager.default.removeItem(at: file)
    }
}
