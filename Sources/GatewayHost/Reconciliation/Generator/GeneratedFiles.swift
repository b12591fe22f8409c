import ChannelKit
import Foundation
import Reconciliation

/// Writes the generated statement in a bank's format and, optionally, the two CSV files the pandas reference
/// (`../shared/bench/recon_pandas.py`) reads. Buffered; written in large chunks.
struct GeneratedFiles {
    /// Bank statement formats the generator writes, from the banks' documents.
    enum Format: String, CaseIterable {
        /// docs: ../shared/banks/jiangnan.md, "Statement file": UTF-8 CSV, header, `#TOTAL` trailer, UTC+8.
        case jiangnan
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

    init(format: Format, date: BusinessDate, statement: URL, pandasDirectory: URL?) throws {
        self.format = format
        self.date = date
        self.statement = try Self.create(statement)
        if let pandasDirectory {
            try FileManager.default.createDirectory(at: pandasDirectory, withIntermediateDirectories: true)
            pandasLedger = try Self.create(pandasDirectory.appendingPathComponent("ledger.csv"))
            pandasStatement = try Self.create(pandasDirectory.appendingPathComponent("statement.csv"))
            ledgerBuffer.append(contentsOf: "txn_id,bank_txn_id,type,amount,currency,status,created_at\n".utf8)
            statementBuffer.append(contentsOf: "txn_id,bank_txn_id,type,amount,fee,currency,status,settled_at\n".utf8)
        }
        buffer.append(contentsOf: "trade_date,finished_at,out_trade_no,trade_no,type,amount,fee,currency,status,orig_out_trade_no\n".utf8)
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
            buffer.append(0x0A)
        case .record(let kind, let id, let bankId, let amount, let fee, let currency, let succeeded, let finishedAt, let originalId):
            if succeeded {
                successAmount += amount
                successFee += fee
            }
            let type = kind == .payment ? "PAY" : "REFUND"
            let status = succeeded ? "SUCCESS" : "FAILED"
            buffer.append(
                contentsOf: "\(date.compact),\(Self.utc8(finishedAt)),\(id),\(bankId),\(type),\(amount),\(fee),\(currency),\(status),\(originalId ?? "")\n".utf8)
            if pandasStatement != nil {
                statementBuffer.append(
                    contentsOf: "\(id),\(bankId),\(type),\(amount),\(fee),\(currency),\(status),\(finishedAt)\n".utf8)
                if statementBuffer.count > 1 << 20 { try flush(&statementBuffer, to: pandasStatement!) }
            }
        }
        if buffer.count > 1 << 20 { try flush(&buffer, to: statement) }
    }

    mutating func finish() throws {
        buffer.append(contentsOf: "#TOTAL,\(lineCount),\(successAmount),\(successFee)\n".utf8)
        try flush(&buffer, to: statement)
        try statement.close()
        if let pandasLedger { try flush(&ledgerBuffer, to: pandasLedger); try pandasLedger.close() }
        if let pandasStatement { try flush(&statementBuffer, to: pandasStatement); try pandasStatement.close() }
    }

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
