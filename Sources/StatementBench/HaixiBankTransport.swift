import ChannelKit
import Foundation
import HaixiProtocol
import Synchronization

/// Plays the Haixi bank's 1004 answer for the benchmark: the statement file, base64 inside `<FileContent>`, in a
/// message signed with the bank key and echoing the request's SerialNo — written in chunks to the file the
/// channel downloads into, hashed as it is written, never held whole.
final class HaixiBankTransport: HTTPTransport {
    let statement: URL
    let bank: HaixiSigner
    /// Seconds spent writing the answer (the bank's side, not the channel's).
    private let writing = Mutex<Double>(0)

    init(statement: URL, bank: HaixiSigner) {
        self.statement = statement
        self.bank = bank
    }

    var writingSeconds: Double { writing.withLock { $0 } }

    func execute(_ request: HTTPRequestMessage) async throws -> HTTPResponseMessage {
        throw TransportError(.notSent, "statement-bench answers statement downloads only")
    }

    func download(_ request: HTTPRequestMessage, to file: URL) async throws -> HTTPResponseMessage {
        let started = ContinuousClock.now
        defer { writing.withLock { $0 += seconds(since: started) } }
        let bytes = Array(request.body)
        guard case .success(let envelope) = HaixiEnvelope.parse(bytes), let serial = envelope.head("SerialNo", in: bytes),
            let merchant = envelope.head("MerId", in: bytes)
        else { throw TransportError(.invalidResponse, "not a Haixi request") }
        let size = (try FileManager.default.attributesOfItem(atPath: statement.path)[.size] as? NSNumber)?.int64Value ?? 0
        var sink = try FileSink(file)
        var signing = HaixiSigningStream(signer: bank)
        func signed(_ text: [UInt8]) throws {
            signing.update(text)
            try sink.write(text)
        }
        try sink.write(HaixiMessage.prolog + Array("<Message>".utf8))
        try signed(
            Array(
                ("<Head><TxCode>1004</TxCode><MerId>\(merchant)</MerId><TxTime>\(HaixiTime.format(Date()))</TxTime>"
                    + "<SerialNo>\(serial)</SerialNo><RespCode>000000</RespCode><RespMsg>OK</RespMsg></Head>"
                    + "<Body><FileName>statement.txt</FileName><FileSize>\(size)</FileSize><FileContent>").utf8))
        let input = try FileHandle(forReadingFrom: statement)
        defer { try? input.close() }
        // A multiple of 3 bytes per chunk: the pieces' base64 join into the base64 of the whole.
        while let chunk = try input.read(upToCount: 3 << 18), !chunk.isEmpty {
            try signed(Array(chunk.base64EncodedData()))
        }
        try signed(Array("</FileContent></Body>".utf8))
        try sink.write(Array("<Signature>\(try signing.finish())</Signature></Message>".utf8))
        try sink.close()
        return HTTPResponseMessage(status: 200, headers: [HTTPHeaderField("Content-Type", "text/xml; charset=UTF-8")])
    }
}
