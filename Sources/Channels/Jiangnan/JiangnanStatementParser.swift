import ChannelKit
import Foundation
import JiangnanProtocol

/// Streams a Jiangnan statement file as ``StatementBatch``es, reading it in 1 MiB chunks.
///
/// Every line is accounted for: line 1 is the header (an issue when it is not
/// ``JiangnanRules/statementHeader``), `#TOTAL,count,amount_sum,fee_sum` is the trailer, every other line is
/// a record or an issue. At the end the trailer is checked against the file: `count` against the number of
/// rows, the sums against the amounts and fees of the `SUCCESS` rows (the document: "the sums cover
/// `SUCCESS` rows only"). A missing trailer, a missing final newline or a mismatch is an issue, on line 0
/// (whole file) or on the trailer's line. The trailer itself comes in the last batch.
///
/// Pull-based (`AsyncThrowingStream(unfolding:)`): a batch is parsed only when the consumer asks for it, so
/// memory stays bounded for millions of rows.
final class JiangnanStatementParser: @unchecked Sendable {
    // @unchecked: all mutable state is guarded by `lock`.

    /// Bytes read from the file at a time.
    static let chunkSize = 1 << 20
    /// A line longer than this is reported (its first 512 bytes) and skipped up to its newline.
    static let maximumLineBytes = 64 * 1024

    /// A stream of the file's batches of about `batchSize` records each.
    static func stream(_ file: StatementFile, batchSize: Int, currency: Currency)
        -> AsyncThrowingStream<StatementBatch, any Error>
    {
        let parser = JiangnanStatementParser(file: file, batchSize: batchSize, currency: currency)
        return AsyncThrowingStream(unfolding: { try parser.nextBatch() })
    }

    private let lock = NSLock()
    private let location: URL
    private let batchSize: Int
    private var lineParser: JiangnanStatementLine
    private let header = Array(JiangnanRules.statementHeader.utf8)

    private var handle: FileHandle?
    private var buffer: [UInt8] = []
    private var position = 0
    private var scanFrom = 0
    private var atEndOfFile = false
    private var discardingOverlongLine = false
    private var finished = false
    private var missingFinalNewline = false

    private var lineNumber = 0
    private var rowCount = 0
    private var rowIssueCount = 0
    private var successAmount: Int64 = 0
    private var successFee: Int64 = 0
    private var sumsOverflowed = false
    private var trailer: StatementTrailer?
    /// `trailer != nil`, asked on every line without going through the resilient type's witnesses.
    private var afterTrailer = false
    private var trailerLine = ""

    init(file: StatementFile, batchSize: Int, currency: Currency) {
        self.location = file.location
        self.batchSize = max(1, batchSize)
        self.lineParser = JiangnanStatementLine(businessDate: file.businessDate, currency: currency)
    }

    deinit { try? handle?.close() }

    /// The next batch, or `nil` after the last one.
    func nextBatch() throws -> StatementBatch? {
        lock.lock()
        defer { lock.unlock() }
        if finished { return nil }
        if handle == nil {
            do {
                handle = try FileHandle(forReadingFrom: location)
            } catch {
                finished = true
                throw PaymentChannelError(.statementUnavailable, "cannot open statement \(location.path): \(error)")
            }
            buffer.reserveCapacity(Self.chunkSize * 2)
        }
        var batch = StatementBatch(records: [], issues: [])
        // One allocation per batch: growing the array would copy its records over and over.
        batch.records.reserveCapacity(min(batchSize, 16_384))
        // The line parser (its small cache) as a local for the batch: no exclusivity check per line.
        var lineParser = self.lineParser
        defer { self.lineParser = lineParser }
        while batch.records.count < batchSize, batch.issues.count < batchSize {
            guard let line = try nextLine() else {
                finish(&batch)
                return batch
            }
            lineNumber += 1
            switch line {
            case .text(let range):
                buffer.withUnsafeBufferPointer { all in
                    classify(UnsafeBufferPointer(rebasing: all[range]), parser: &lineParser, into: &batch)
                }
            case .overlong(let prefix):
                if !afterTrailer { rowCount += 1; rowIssueCount += 1 }
                batch.issues.append(
                    StatementIssue(
                        lineNumber: lineNumber, line: String(decoding: prefix, as: UTF8.self),
                        reason: "line longer than \(Self.maximumLineBytes) bytes"))
            }
        }
        return batch
    }

    // MARK: - Lines

    private enum Line {
        /// A line's bytes in `buffer` (without `\n`).
        case text(Range<Int>)
        /// An overlong line's first bytes.
        case overlong([UInt8])
    }

    private func nextLine() throws -> Line? {
        while true {
            if let newline = firstNewline() {
                let range = position..<newline
                position = newline + 1
                scanFrom = position
                if discardingOverlongLine {
                    discardingOverlongLine = false
                    continue
                }
                return .text(range)
            }
            scanFrom = buffer.count
            if discardingOverlongLine {
                dropConsumed(all: true)
            } else if buffer.count - position > Self.maximumLineBytes {
                let prefix = Array(buffer[position..<(position + 512)])
                discardingOverlongLine = true
                dropConsumed(all: true)
                return .overlong(prefix)
            }
            if atEndOfFile {
                if discardingOverlongLine {
                    discardingOverlongLine = false
                    missingFinalNewline = true
                    return nil
                }
                guard position < buffer.count else { return nil }
                missingFinalNewline = true
                let range = position..<buffer.count
                position = buffer.count
                scanFrom = position
                return .text(range)
            }
            dropConsumed(all: false)
            guard let handle else { return nil }
            let chunk = try handle.read(upToCount: Self.chunkSize) ?? Data()
            if chunk.isEmpty {
                atEndOfFile = true
            } else {
                buffer.append(contentsOf: chunk)
            }
        }
    }

    private func firstNewline() -> Int? {
        guard scanFrom < buffer.count else { return nil }
        return buffer.withUnsafeBytes { raw -> Int? in
            guard let base = raw.baseAddress,
                let found = memchr(base + scanFrom, 0x0A, raw.count - scanFrom)
            else { return nil }
            return base.distance(to: UnsafeRawPointer(found))
        }
    }

    private func dropConsumed(all: Bool) {
        if all {
            buffer.removeAll(keepingCapacity: true)
            position = 0
        } else if position > 0 {
            buffer.removeSubrange(0..<position)
            position = 0
        }
        scanFrom = buffer.count
    }

    // MARK: - Classification

    private func classify(
        _ line: UnsafeBufferPointer<UInt8>, parser lineParser: inout JiangnanStatementLine, into batch: inout StatementBatch
    ) {
        func issue(_ reason: String) {
            batch.issues.append(
                StatementIssue(lineNumber: lineNumber, line: String(decoding: line.prefix(512), as: UTF8.self), reason: reason))
        }
        if lineNumber == 1 {
            var text = line
            let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
            if text.starts(with: bom) { text = UnsafeBufferPointer(rebasing: text[3...]) }
            if !text.elementsEqual(header) {
                issue("first line is not the header '\(JiangnanRules.statementHeader)'")
            }
            return
        }
        if afterTrailer {
            issue(line.isEmpty ? "empty line after the trailer" : "line after the #TOTAL trailer")
            return
        }
        if line.first == 0x23 {  // "#"
            if let parsed = Self.parseTrailer(line, lineNumber: lineNumber) {
                trailer = parsed
                afterTrailer = true
                trailerLine = String(decoding: line, as: UTF8.self)
            } else {
                issue("malformed trailer (expected #TOTAL,row_count,amount_sum,fee_sum)")
            }
            return
        }
        if line.isEmpty {
            issue("empty line")
            return
        }
        rowCount += 1
        switch lineParser.parse(line, lineNumber: lineNumber, into: &batch.records) {
        case .record(let amount, let fee, let succeeded):
            if succeeded {
                let (amounts, o1) = successAmount.addingReportingOverflow(amount)
                let (fees, o2) = successFee.addingReportingOverflow(fee)
                successAmount = amounts
                successFee = fees
                if o1 || o2 { sumsOverflowed = true }
            }
        case .issue(let reason):
            rowIssueCount += 1
            issue(reason)
        }
    }

    /// `#TOTAL,row_count,amount_sum,fee_sum` with non-negative integers, or `nil`.
    static func parseTrailer(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int) -> StatementTrailer? {
        let fields = line.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
        guard fields.count == 4, fields[0].elementsEqual("#TOTAL".utf8) else { return nil }
        let numbers = fields.dropFirst().map { JiangnanStatementLine.number(UnsafeBufferPointer(rebasing: $0)) }
        guard let count = numbers[0], let amount = numbers[1], let fee = numbers[2] else { return nil }
        return StatementTrailer(lineNumber: lineNumber, recordCount: Int(count), amountTotal: amount, feeTotal: fee)
    }

    // MARK: - End of file

    private func finish(_ batch: inout StatementBatch) {
        finished = true
        try? handle?.close()
        handle = nil
        buffer = []
        if lineNumber == 0 {
            batch.issues.append(StatementIssue(lineNumber: 0, line: "", reason: "empty file: no header and no trailer"))
            return
        }
        if missingFinalNewline {
            batch.issues.append(
                StatementIssue(
                    lineNumber: 0, line: "", reason: "the file does not end with a newline; it may be truncated"))
        }
        guard let trailer else {
            batch.issues.append(
                StatementIssue(lineNumber: 0, line: "", reason: "no #TOTAL trailer; the file may be truncated"))
            return
        }
        batch.trailer = trailer
        let note = rowIssueCount > 0 ? " (\(rowIssueCount) rows could not be parsed)" : ""
        if trailer.recordCount != rowCount {
            batch.issues.append(
                StatementIssue(
                    lineNumber: trailer.lineNumber, line: trailerLine,
                    reason: "trailer row_count \(trailer.recordCount) but the file has \(rowCount) rows"))
        }
        if sumsOverflowed {
            batch.issues.append(
                StatementIssue(lineNumber: trailer.lineNumber, line: trailerLine, reason: "sums of SUCCESS rows overflow"))
            return
        }
        if trailer.amountTotal != successAmount {
            batch.issues.append(
                StatementIssue(
                    lineNumber: trailer.lineNumber, line: trailerLine,
                    reason: "trailer amount_sum \(trailer.amountTotal) but SUCCESS rows sum to \(successAmount)\(note)"))
        }
        if trailer.feeTotal != successFee {
            batch.issues.append(
                StatementIssue(
                    lineNumber: trailer.lineNumber, line: trailerLine,
                    reason: "trailer fee_sum \(trailer.feeTotal) but SUCCESS rows' fees sum to \(successFee)\(note)"))
        }
    }
}
