import ChannelKit
import Foundation
import HaixiProtocol
import MinbeiProtocol
import Reconciliation

/// Writes the generated statement in a bank's format and, optionally, the two CSV files the pandas reference
/// (`../shared/bench/recon_pandas.py`) reads. Buffered; written in large chunks.
struct GeneratedFiles {
    /// Bank statement formats the generator writes, from the banks' documents.
    enum Format: String, CaseIterable {
        /// docs: ../shared/banks/jiangnan.md, "Statement file": UTF-8 CSV, header, `#TOTAL` trailer, UTC+8.
        case jiangnan
        /// docs: ../shared/banks/minbei.md, "Statement file": gzip of GBK `|` lines, the header line first with the
        /// count and the `S` totals in yuan, `HHmmss` times (UTC+8), numeric currencies.
        case minbei
        /// docs: ../shared/banks/haixi.md, "Statement file": fixed-width ASCII, `\r\n`, the `H` header line first
        /// with the count and the `00` totals, 127-character `D` lines.
        case haixi

        /// The bank's transaction ids: prefix and digits.
        var bankIdStyle: (String, Int) {
            switch self {
            case .jiangnan: ("JN", 18)
            case .minbei: ("", 20)
            case .haixi: ("HX", 20)
            }
        }

        /// Whether the header line holds the totals (so the lines wait in a plain file until the end).
        var headerHoldsTotals: Bool { self != .jiangnan }

        /// The line end.
        var lineEnd: [UInt8] { self == .haixi ? [0x0D, 0x0A] : [0x0A] }
    }

    var format: Format
    var date: BusinessDate
    private var statement: FileHandle
    private var pandasLedger: FileHandle?
    private var pandasStatement: FileHandle?
    private var buffer: [UInt8] = []
    private var ledgerBuffer: [UInt8] = []
    private var statementBuffer: [UInt8] = []
    private var lineCount = 0
    private var successAmount: Int64 = 0
    private var successFee: Int64 = 0
    /// Minbei: the file to gzip at the end, and the detail lines written so far (its header comes first but
    /// holds the totals, so the lines wait in a plain file beside it).
    private var statementURL: URL
    private var detailURL: URL?
    /// The merchant number the bank writes into a header line (Minbei's `mer_id`, Haixi's `MerId`).
    private let bankMerchantId: String

    init(format: Format, date: BusinessDate, statement: URL, pandasDirectory: URL?, bankMerchantId: String = "MB0001") throws {
        self.format = format
        self.bankMerchantId = bankMerchantId
        self.date = date
        self.statementURL = statement
        if format.headerHoldsTotals {
            let detail = statement.appendingPathExtension("lines")
            self.detailURL = detail
            self.statement = try Self.create(detail)
        } else {
            self.statement = try Self.create(statement)
        }
        if let pandasDirectory {
            try FileManager.default.createDirectory(at: pandasDirectory, withIntermediateDirectories: true)
            pandasLedger = try Self.create(pandasDirectory.appendingPathComponent("ledger.csv"))
            pandasStatement = try Self.create(pandasDirectory.appendingPathComponent("statement.csv"))
            ledgerBuffer.append(contentsOf: "txn_id,bank_txn_id,type,amount,currency,status,created_at\n".utf8)
            statementBuffer.append(contentsOf: "txn_id,bank_txn_id,type,amount,fee,currency,status,settled_at\n".utf8)
        }
        if format == .jiangnan {
            buffer.append(contentsOf: "trade_date,finished_at,out_trade_no,trade_no,type,amount,fee,currency,status,orig_out_trade_no\n".utf8)
        }
    }

    private static func create(_ url: URL) throws -> FileHandle {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw ValidationFailure("cannot create \(url.path)")
        }
        return try FileHandle(forWritingTo: url)
    }

    mutating func ledger(_ row: GeneratedLedgerRow) throws {
        guard pandasLedger != nil else { return }
        ledgerBuffer.append(
            contentsOf: "\(row.id),\(row.bankId ?? ""),\(row.kind == .payment ? "PAY" : "REFUND"),\(row.amount),\(row.currency),\(row.status),\(row.createdAt)\n".utf8)
        if ledgerBuffer.count > 1 << 20 { try flush(&ledgerBuffer, to: pandasLedger!) }
    }

    mutating func line(_ line: GeneratedLine) throws {
        lineCount += 1
        switch line {
        case .garbage(let text):
            buffer.append(contentsOf: text.utf8)
            buffer.append(contentsOf: format.lineEnd)
        case .record(let kind, let id, let bankId, let amount, let fee, let currency, let succeeded, let finishedAt, let originalId):
            if succeeded {
                successAmount += amount
                successFee += fee
            }
            let type = kind == .payment ? "PAY" : "REFUND"
            let status = succeeded ? "SUCCESS" : "FAILED"
            switch format {
            case .jiangnan:
                buffer.append(
                    contentsOf: "\(date.compact),\(Self.utc8(finishedAt)),\(id),\(bankId),\(type),\(amount),\(fee),\(currency),\(status),\(originalId ?? "")\n".utf8)
            case .minbei:
                let seconds = ((finishedAt / 1000 + 8 * 3600) % 86_400 + 86_400) % 86_400
                let time = Self.pad(seconds / 3600) + Self.pad(seconds / 60 % 60) + Self.pad(seconds % 60)
                guard
                    let bytes = MinbeiStatement.write(
                        MinbeiStatement.Line(
                            transDate: date.compact, transTime: time, isRefund: kind == .refund,
                            orderNo: kind == .refund ? originalId ?? "" : id, refundNo: kind == .refund ? id : "",
                            bankSequence: bankId, amount: amount, fee: fee,
                            currency: MinbeiRules.numericCurrency[currency] ?? "000", succeeded: succeeded,
                            remark: kind == .refund ? "退款" : "订单 \(id.suffix(6))"))
                else { throw ValidationFailure("a Minbei line cannot hold \(amount) or \(fee) fen") }
                buffer.append(contentsOf: bytes)
                buffer.append(0x0A)
            case .haixi:
                guard
                    let bytes = HaixiStatement.write(
                        HaixiStatement.Line(
                            isRefund: kind == .refund, serialNo: id, bankSerialNo: bankId,
                            finishTime: Self.compactUTC8(finishedAt), amount: amount, fee: fee, currency: currency,
                            succeeded: succeeded, originalSerialNo: kind == .refund ? originalId ?? "" : ""))
                else { throw ValidationFailure("a Haixi line cannot hold \(id), \(amount) or \(fee)") }
                buffer.append(contentsOf: bytes)
                buffer.append(contentsOf: [0x0D, 0x0A])
            }
            if pandasStatement != nil {
                statementBuffer.append(
                    contentsOf: "\(id),\(bankId),\(type),\(amount),\(fee),\(currency),\(status),\(finishedAt)\n".utf8)
                if statementBuffer.count > 1 << 20 { try flush(&statementBuffer, to: pandasStatement!) }
            }
        }
        if buffer.count > 1 << 20 { try flush(&buffer, to: statement) }
    }

    mutating func finish() throws {
        switch format {
        case .jiangnan:
            buffer.append(contentsOf: "#TOTAL,\(lineCount),\(successAmount),\(successFee)\n".utf8)
            try flush(&buffer, to: statement)
            try statement.close()
        case .minbei:
            try flush(&buffer, to: statement)
            try statement.close()
            try gzipMinbei()
        case .haixi:
            try flush(&buffer, to: statement)
            try statement.close()
            try writeHaixi()
        }
        if let pandasLedger { try flush(&ledgerBuffer, to: pandasLedger); try pandasLedger.close() }
        if let pandasStatement { try flush(&statementBuffer, to: pandasStatement); try pandasStatement.close() }
    }

    /// Writes the header and then the waiting detail lines, gzip'd, into the statement file.
    private func gzipMinbei() throws {
        guard let detailURL else { return }
        defer { try? FileManager.default.removeItem(at: detailURL) }
        guard
            let header = MinbeiStatement.write(
                MinbeiStatement.Header(
                    merchantId: bankMerchantId, billDate: date.compact, totalCount: lineCount, totalAmount: successAmount,
                    totalFee: successFee))
        else { throw ValidationFailure("the totals do not fit a Minbei header") }
        let output = try Self.create(statementURL)
        defer { try? output.close() }
        let input = try FileHandle(forReadingFrom: detailURL)
        defer { try? input.close() }
        let deflater = try GzipDeflater()
        var compressed: [UInt8] = []
        try deflater.deflate(header + [0x0A]) { compressed.append(contentsOf: $0) }
        while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
            try deflater.deflate(chunk) { compressed.append(contentsOf: $0) }
            if compressed.count > 1 << 20 { try flush(&compressed, to: output) }
        }
        try deflater.finish { compressed.append(contentsOf: $0) }
        try flush(&compressed, to: output)
    }

    /// Writes the header line and then the waiting detail lines into the statement file.
    private func writeHaixi() throws {
        guard let detailURL else { return }
        defer { try? FileManager.default.removeItem(at: detailURL) }
        guard
            let header = HaixiStatement.write(
                HaixiStatement.Header(
                    billDate: date.compact, merchantId: bankMerchantId, recordCount: lineCount, totalAmount: successAmount,
                    totalFee: successFee))
        else { throw ValidationFailure("the totals do not fit a Haixi header") }
        let output = try Self.create(statementURL)
        defer { try? output.close() }
        try output.write(contentsOf: header + [0x0D, 0x0A])
        let input = try FileHandle(forReadingFrom: detailURL)
        defer { try? input.close() }
        while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
            try output.write(contentsOf: chunk)
        }
    }

    /// `yyyyMMddHHmmss` in UTC+8.
    static func compactUTC8(_ ms: Int64) -> String {
        let text = utc8(ms)  // 2026-11-24T10:15:02+08:00
        return text.prefix(19).filter { $0.isNumber }
    }

    private static func pad(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }

    private func flush(_ bytes: inout [UInt8], to handle: FileHandle) throws {
        try handle.write(contentsOf: bytes)
        bytes.removeAll(keepingCapacity: true)
    }

    /// `2026-11-24T10:15:02+08:00`.
    static func utc8(_ ms: Int64) -> String {
        let utc = DiscrepancyFiles.timestamp(ms: ms + 8 * 3_600_000)
        return String(utc.prefix(19)) + "+08:00"
    }
}
