import ChannelKit
import Foundation
import HaixiProtocol

/// Streams a Haixi statement file as ``StatementBatch``es, reading it in 1 MiB chunks.
///
/// Lines end with `\r\n`. Line 1 is the header (`H`, BillDate, MerId, RecordCount, TotalAmount, TotalFee);
/// every other line is a 127-character detail line: a record, or an issue with its line number. There is no
/// trailer line: the header's totals are the statement's own, so they are emitted as the
/// ``StatementTrailer`` (line 1) in the last batch and checked at the end — RecordCount against the number of
/// detail lines, TotalAmount and TotalFee against the `00` lines' amounts and fees. A disagreement is an issue
/// on line 1 (reconciliation reports it as `trailer_mismatch`); a missing or malformed header, a missing final
/// `\r\n` or an empty file are issues on line 0 (the statement as a whole).
///
/// Pull-based (`AsyncThrowingStream(unfolding:)`): a batch is parsed only when the consumer asks for it, so
/// memory stays bounded for millions of lines.
final class HaixiStatementParser: @unchecked Sendable {
    // @unchecked: all mutable state is guarded by `lock`.

    /// Bytes read from the file at a time.
    static let chunkSize = 1 << 20
    /// A line longer than this is reported (its first 512 bytes) and skipped up to its line end.
    static let maximumLineBytes = 64 * 1024

    /// A stream of the file's batches of at most `batchSize` records (or issues) each.
    static func stream(_ file: StatementFile, batchSize: Int) -> AsyncThrowingStream<StatementBatch, any Error> {
        let parser = HaixiStatementParser(file: file, batchSize: batchSize)
        return AsyncThrowingStream(unfolding: { try parser.nextBatch() })
    }

    private let lock = NSLock()
    private let location: URL
    private let businessDate: BusinessDate
    private let batchSize: Int
    private var lineParser: HaixiStatementLine

    private var handle: FileHandle?
    private var buffer: [UInt8] = []
    private var position = 0
    private var scanFrom = 0
    private var atEndOfFile = false
    private var discardingOverlongLine = false
    private var finished = false
    private var missingFinalNewline = false

    private var lineNumber = 0
    private var detailCount = 0
    private var detailIssueCount = 0
    private var successAmount: Int64 = 0
    private var successFee: Int64 = 0
    private var sumsOverflowed = false
    private var header: HaixiStatement.Header?
    private var headerLine = ""

    init(file: StatementFile, batchSize: Int) {
        self.location = file.location
        self.businessDate = file.businessDate
        self.batchSize = max(1, batchSize)
        self.lineParser = HaixiStatementLine(businessDate: file.businessDate)
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
                throw PaymentChannelError(.statementUnavailable, "cannot open statement \(location.lastPathComponent): \(error)")
            }
            buffer.reserveCapacity(Self.chunkSize * 2)
        }
        var batch = StatementBatch(records: [], issues: [])
        batch.records.reserveCapacity(min(batchSize, 16_384))
        // The line parser as a local for the batch: no exclusivity check per line.
        var lineParser = self.lineParser
        defer { self.lineParser = lineParser }
        while batch.records.count < batchSize, batch.issues.count < batchSize {
            guard let line = try nextLine() else {
                finish(&batch)
                return batch
            }
            lineNumber += 1
            switch line {
            case .text(let range, let crlf):
                buffer.withUnsafeBufferPointer { all in
                    classify(UnsafeBufferPointer(rebasing: all[range]), crlf: crlf, parser: &lineParser, into: &batch)
                }
            case .overlong(let prefix):
                if lineNumber > 1 { detailCount += 1; detailIssueCount += 1 }
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
        /// A line's bytes in `buffer` without its line end; `crlf` when it ended with `\r\n`.
        case text(Range<Int>, crlf: Bool)
        /// An overlong line's first bytes.
        case overlong([UInt8])
    }

    private func nextLine() throws -> Line? {
        while true {
            if let newline = firstNewline() {
                var end = newline
                let crlf = end > position && buffer[end - 1] == 0x0D
                if crlf { end -= 1 }
                let range = position..<end
                position = newline + 1
                scanFrom = position
                if discardingOverlongLine {
                    discardingOverlongLine = false
                    continue
                }
                return .text(range, crlf: crlf)
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
                var end = buffer.count
                if buffer[end - 1] == 0x0D { end -= 1 }
                let range = position..<end
                position = buffer.count
                scanFrom = position
                return .text(range, crlf: true)
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
            guard let base = raw.baseAddress, let found = memchr(base + scanFrom, 0x0A, raw.count - scanFrom) else { return nil }
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
        _ line: UnsafeBufferPointer<UInt8>, crlf: Bool, parser lineParser: inout HaixiStatementLine,
        into batch: inout StatementBatch
    ) {
        func issue(_ reason: String) {
            batch.issues.append(
                StatementIssue(lineNumber: lineNumber, line: String(decoding: line.prefix(512), as: UTF8.self), reason: reason))
        }
        if lineNumber == 1 {
            readHeader(line, crlf: crlf, issue: issue)
            return
        }
        if line.isEmpty {
            issue("empty line")
            return
        }
        detailCount += 1
        guard crlf else {
            detailIssueCount += 1
            issue("the line ends with \\n, not \\r\\n")
            return
        }
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
            detailIssueCount += 1
            issue(reason)
        }
    }

    private func readHeader(_ line: UnsafeBufferPointer<UInt8>, crlf: Bool, issue: (String) -> Void) {
        headerLine = String(decoding: line.prefix(512), as: UTF8.self)
        switch HaixiStatement.parseHeader(line) {
        case .failure(let problem):
            issue(problem.description)
        case .success(let parsed):
            header = parsed
            if !crlf { issue("the header ends with \\n, not \\r\\n") }
            if parsed.billDate != businessDate.compact {
                issue("header BillDate \(parsed.billDate) is not the statement's date \(businessDate.compact)")
            }
        }
    }

    // MARK: - End of file

    private func finish(_ batch: inout StatementBatch) {
        finished = true
        try? handle?.close()
        handle = nil
        buffer = []
        if lineNumber == 0 {
            batch.issues.append(StatementIssue(lineNumber: 0, line: "", reason: "empty file: no header"))
            return
        }
        if missingFinalNewline {
            batch.issues.append(
                StatementIssue(lineNumber: 0, line: "", reason: "the file does not end with \\r\\n; it may be truncated"))
        }
        guard let header else {
            batch.issues.append(
                StatementIssue(lineNumber: 0, line: "", reason: "no valid header: the statement's totals cannot be checked"))
            return
        }
        let trailer = StatementTrailer(
            lineNumber: 1, recordCount: header.recordCount, amountTotal: header.totalAmount, feeTotal: header.totalFee)
        batch.trailer = trailer
        func mismatch(_ reason: String) {
            batch.issues.append(StatementIssue(lineNumber: 1, line: headerLine, reason: reason))
        }
        let note = detailIssueCount > 0 ? " (\(detailIssueCount) detail lines could not be parsed)" : ""
        if header.recordCount != detailCount {
            mismatch("header RecordCount \(header.recordCount) but the file has \(detailCount) detail lines")
        }
        if sumsOverflowed {
            mismatch("sums of the 00 lines overflow")
            return
        }
        if header.totalAmount != successAmount {
            mismatch("header TotalAmount \(header.totalAmount) but the 00 lines sum to \(successAmount)\(note)")
        }
        if header.totalFee != successFee {
            mismatch("header TotalFee \(header.totalFee) but the 00 lines' fees sum to \(successFee)\(note)")
        }
    }
}
