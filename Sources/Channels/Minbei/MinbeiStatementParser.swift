import ChannelKit
import Foundation
import MinbeiProtocol

/// Streams a Minbei statement — gzip of GBK text, `\n` line ends, `|` fields — as ``StatementBatch``es,
/// decompressing while it parses: the file is read 256 KiB at a time and only the unparsed part of the
/// decompressed text is held.
///
/// Line 1 is the header `mer_id|bill_date|total_count|total_amount|total_fee`; its totals are reported as the
/// batch's ``StatementTrailer`` (on line 1) and checked at the end: `total_count` against the number of detail
/// lines (the header not counted), the amounts against the `S` lines. Every other line is a record or an issue
/// with its line number. A gzip stream that is corrupt or ends early is an issue on line 0 (the whole file).
///
/// Pull-based (`AsyncThrowingStream(unfolding:)`): a batch is parsed only when the consumer asks for it.
final class MinbeiStatementParser: @unchecked Sendable {
    // @unchecked: all mutable state is guarded by `lock`.

    /// Compressed bytes read from the file at a time.
    static let chunkSize = 256 * 1024
    /// A line longer than this is reported (its first 512 bytes) and skipped up to its newline.
    static let maximumLineBytes = 64 * 1024

    /// A stream of the file's batches of about `batchSize` records each.
    static func stream(_ file: StatementFile, batchSize: Int, settings: MinbeiSettings)
        -> AsyncThrowingStream<StatementBatch, any Error>
    {
        let parser = MinbeiStatementParser(file: file, batchSize: batchSize, settings: settings)
        return AsyncThrowingStream(unfolding: { try parser.nextBatch() })
    }

    private let lock = NSLock()
    private let location: URL
    private let batchSize: Int
    private let businessDate: BusinessDate
    private let billDate: String
    private let merchantId: String
    private let lineParser: MinbeiStatementLine

    private var handle: FileHandle?
    private var inflater: GzipInflater?
    private var text: [UInt8] = []
    private var position = 0
    private var scanFrom = 0
    private var compressedAtEnd = false
    private var streamProblem: String?
    private var discardingOverlongLine = false
    private var finished = false

    private var lineNumber = 0
    private var header: MinbeiStatement.Header?
    private var headerLine = ""
    private var detailCount = 0
    private var detailIssueCount = 0
    private var successAmount: Int64 = 0
    private var successFee: Int64 = 0
    private var sumsOverflowed = false

    init(file: StatementFile, batchSize: Int, settings: MinbeiSettings) {
        self.location = file.location
        self.batchSize = max(1, batchSize)
        self.businessDate = file.businessDate
        self.billDate = file.businessDate.compact
        self.merchantId = settings.merchantId
        self.lineParser = MinbeiStatementLine(businessDate: file.businessDate, currency: settings.currency)
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
                inflater = try GzipInflater()
            } catch {
                finished = true
                throw PaymentChannelError(.statementUnavailable, "cannot open statement \(location.path): \(error)")
            }
        }
        var batch = StatementBatch(records: [], issues: [])
        batch.records.reserveCapacity(min(batchSize, 16_384))
        while batch.records.count < batchSize, batch.issues.count < batchSize {
            guard let line = try nextLine() else {
                finish(&batch)
                return batch
            }
            lineNumber += 1
            switch line {
            case .text(let range):
                classify(text[range], into: &batch)
            case .overlong(let prefix):
                if lineNumber > 1 { detailCount += 1; detailIssueCount += 1 }
                batch.issues.append(
                    StatementIssue(
                        lineNumber: lineNumber, line: Self.display(prefix),
                        reason: "line longer than \(Self.maximumLineBytes) bytes"))
            }
        }
        return batch
    }

    // MARK: - Lines

    private enum Line {
        /// A line's bytes in `text` (without `\n`).
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
            scanFrom = text.count
            if !discardingOverlongLine, text.count - position > Self.maximumLineBytes {
                let prefix = Array(text[position..<(position + 512)])
                discardingOverlongLine = true
                dropConsumed(all: true)
                return .overlong(prefix)
            }
            if compressedAtEnd {
                if discardingOverlongLine || position >= text.count { return nil }
                // The last line without its `\n`.
                let range = position..<text.count
                position = text.count
                scanFrom = position
                return .text(range)
            }
            dropConsumed(all: discardingOverlongLine)
            try readMore()
        }
    }

    /// Decompresses the next chunk of the file into `text`; at the end of the file, or when the gzip stream is
    /// corrupt, marks the end (and the problem).
    private func readMore() throws {
        guard let handle, let inflater else {
            compressedAtEnd = true
            return
        }
        let chunk: Data
        do {
            chunk = try handle.read(upToCount: Self.chunkSize) ?? Data()
        } catch {
            throw PaymentChannelError(.statementUnavailable, "cannot read statement \(location.path): \(error)")
        }
        if chunk.isEmpty {
            compressedAtEnd = true
            if !inflater.isComplete {
                streamProblem = "the gzip stream ends early: the file is truncated"
            }
            return
        }
        do {
            try inflater.inflate(chunk) { output in text.append(contentsOf: output) }
        } catch {
            compressedAtEnd = true
            streamProblem = "the file is not a readable gzip stream (\(error)); lines after this point are missing"
        }
    }

    private func firstNewline() -> Int? {
        guard scanFrom < text.count else { return nil }
        return text.withUnsafeBytes { raw -> Int? in
            guard let base = raw.baseAddress, let found = memchr(base + scanFrom, 0x0A, raw.count - scanFrom) else {
                return nil
            }
            return base.distance(to: UnsafeRawPointer(found))
        }
    }

    private func dropConsumed(all: Bool) {
        if all {
            text.removeAll(keepingCapacity: true)
            position = 0
        } else if position > 0 {
            text.removeSubrange(0..<position)
            position = 0
        }
        scanFrom = text.count
    }

    // MARK: - Classification

    private func classify(_ line: ArraySlice<UInt8>, into batch: inout StatementBatch) {
        func issue(_ reason: String) {
            batch.issues.append(StatementIssue(lineNumber: lineNumber, line: Self.display(line.prefix(512)), reason: reason))
        }
        if lineNumber == 1 {
            headerLine = Self.display(line.prefix(512))
            switch MinbeiStatement.parseHeader(line) {
            case .success(let parsed):
                header = parsed
                batch.trailer = StatementTrailer(
                    lineNumber: 1, recordCount: parsed.totalCount, amountTotal: parsed.totalAmount, feeTotal: parsed.totalFee)
                if parsed.merchantId != merchantId {
                    issue("header mer_id '\(parsed.merchantId)' is not this channel's '\(merchantId)'")
                }
                if parsed.billDate != billDate {
                    issue("header bill_date \(parsed.billDate) is not the statement's date \(billDate)")
                }
            case .failure(let problem):
                issue("first line is not the header mer_id|bill_date|total_count|total_amount|total_fee: \(problem)")
            }
            return
        }
        if line.isEmpty {
            issue("empty line")
            return
        }
        detailCount += 1
        let result = line.withUnsafeBufferPointer { lineParser.parse($0, lineNumber: lineNumber) }
        switch result {
        case .issue(let problem):
            detailIssueCount += 1
            issue(problem)
        case .record(let record):
            if record.status == .succeeded {
                let (amounts, o1) = successAmount.addingReportingOverflow(record.amount.minorUnits)
                let (fees, o2) = successFee.addingReportingOverflow(record.fee.minorUnits)
                successAmount = amounts
                successFee = fees
                if o1 || o2 { sumsOverflowed = true }
            }
            batch.records.append(record)
        }
    }

    // MARK: - End of file

    private func finish(_ batch: inout StatementBatch) {
        finished = true
        try? handle?.close()
        handle = nil
        inflater = nil
        text = []
        if let streamProblem {
            batch.issues.append(StatementIssue(lineNumber: 0, line: "", reason: streamProblem))
        }
        if lineNumber == 0 {
            batch.issues.append(StatementIssue(lineNumber: 0, line: "", reason: "empty statement: no header line"))
            return
        }
        guard let header else {
            batch.issues.append(StatementIssue(lineNumber: 0, line: "", reason: "no readable header line: totals cannot be checked"))
            return
        }
        let note = detailIssueCount > 0 ? " (\(detailIssueCount) lines could not be parsed)" : ""
        if header.totalCount != detailCount {
            batch.issues.append(
                StatementIssue(
                    lineNumber: 1, line: headerLine,
                    reason: "header total_count \(header.totalCount) but the file has \(detailCount) detail lines"))
        }
        if sumsOverflowed {
            batch.issues.append(StatementIssue(lineNumber: 1, line: headerLine, reason: "sums of S lines overflow"))
            return
        }
        if header.totalAmount != successAmount {
            batch.issues.append(
                StatementIssue(
                    lineNumber: 1, line: headerLine,
                    reason: "header total_amount \(Self.yuan(header.totalAmount)) but S lines sum to \(Self.yuan(successAmount))\(note)"))
        }
        if header.totalFee != successFee {
            batch.issues.append(
                StatementIssue(
                    lineNumber: 1, line: headerLine,
                    reason: "header total_fee \(Self.yuan(header.totalFee)) but S lines' fees sum to \(Self.yuan(successFee))\(note)"))
        }
    }

    /// A line for a report: GBK decoded when it is GBK, else with the undecodable bytes replaced.
    private static func display(_ bytes: some Collection<UInt8>) -> String {
        GBK.decode(bytes) ?? String(decoding: bytes, as: UTF8.self)
    }

    private static func yuan(_ fen: Int64) -> String {
        MinbeiAmount.string(minorUnits: fen) ?? "\(fen) fen"
    }
}
