/// A reconciliation run as stored and as the admin API answers it (`/admin/recon/runs…`).
public struct AdminReconRun: Codable, Sendable, Equatable {
    public var channel: String
    public var businessDate: String
    public var statement: AdminStatementFile
    /// Statement transaction lines (records and unparseable lines) and ledger rows in the window.
    public var statementLines: Int
    public var ledgerRows: Int
    /// Per class (machine code): count and amounts per currency.
    public var totals: [String: AdminClassTotal]
    /// Whole-statement findings: `trailer_mismatch`, `statement_incomplete`.
    public var findings: [AdminReconFinding]
    /// Earlier breaks carried into this run, breaks it resolved, breaks of the channel still open after it.
    public var carriedIn: Int
    public var resolvedBreaks: Int
    public var openBreaks: Int
    /// The discrepancy files, relative to the gateway's data directory.
    public var csvFile: String
    public var jsonlFile: String
    /// Milliseconds per phase (download, ledger, parse_match, compensate, store).
    public var phases: [String: Int64]
    public var node: String
    public var startedAt: String
    public var finishedAt: String
    public var durationMs: Int64
    public var timeZone: String
    public var timingMarginSeconds: Int

    public init(
        channel: String, businessDate: String, statement: AdminStatementFile, statementLines: Int, ledgerRows: Int,
        totals: [String: AdminClassTotal], findings: [AdminReconFinding], carriedIn: Int, resolvedBreaks: Int,
        openBreaks: Int, csvFile: String, jsonlFile: String, phases: [String: Int64], node: String, startedAt: String,
        finishedAt: String, durationMs: Int64, timeZone: String, timingMarginSeconds: Int
    ) {
        self.channel = channel
        self.businessDate = businessDate
        self.statement = statement
        self.statementLines = statementLines
        self.ledgerRows = ledgerRows
        self.totals = totals
        self.findings = findings
        self.carriedIn = carriedIn
        self.resolvedBreaks = resolvedBreaks
        self.openBreaks = openBreaks
        self.csvFile = csvFile
        self.jsonlFile = jsonlFile
        self.phases = phases
        self.node = node
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.durationMs = durationMs
        self.timeZone = timeZone
        self.timingMarginSeconds = timingMarginSeconds
    }

    enum CodingKeys: String, CodingKey {
        case channel, statement, totals, findings, phases, node
        case businessDate = "business_date"
        case statementLines = "statement_lines"
        case ledgerRows = "ledger_rows"
        case carriedIn = "carried_in"
        case resolvedBreaks = "resolved_breaks"
        case openBreaks = "open_breaks"
        case csvFile = "csv_file"
        case jsonlFile = "jsonl_file"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case durationMs = "duration_ms"
        case timeZone = "time_zone"
        case timingMarginSeconds = "timing_margin_seconds"
    }
}

/// The statement file a run read.
public struct AdminStatementFile: Codable, Sendable, Equatable {
    /// Relative to the gateway's data directory.
    public var file: String
    public var bytes: Int64
    public var sha256: String
    /// Downloaded by this run (false: the file downloaded before was reused).
    public var downloaded: Bool

    public init(file: String, bytes: Int64, sha256: String, downloaded: Bool) {
        self.file = file
        self.bytes = bytes
        self.sha256 = sha256
        self.downloaded = downloaded
    }
}

/// One class's count and amounts (minor units per currency).
public struct AdminClassTotal: Codable, Sendable, Equatable {
    public var count: Int
    public var amounts: [String: Int64]

    public init(count: Int, amounts: [String: Int64]) {
        self.count = count
        self.amounts = amounts
    }
}

/// A finding about the statement as a whole.
public struct AdminReconFinding: Codable, Sendable, Equatable {
    public var code: String
    public var lineNumber: Int
    public var message: String

    public init(code: String, lineNumber: Int, message: String) {
        self.code = code
        self.lineNumber = lineNumber
        self.message = message
    }

    enum CodingKeys: String, CodingKey {
        case code, message
        case lineNumber = "line_number"
    }
}

/// `GET /admin/recon/runs`.
public struct AdminReconRuns: Codable, Sendable, Equatable {
    public var runs: [AdminReconRun]
    /// Channels with a schedule whose last due day is not reconciled yet.
    public var overdue: [AdminReconOverdue]

    public init(runs: [AdminReconRun], overdue: [AdminReconOverdue]) {
        self.runs = runs
        self.overdue = overdue
    }
}

/// A channel's day that should have been reconciled by now.
public struct AdminReconOverdue: Codable, Sendable, Equatable {
    public var channel: String
    public var businessDate: String
    public var dueSince: String
    public var lastError: String?

    public init(channel: String, businessDate: String, dueSince: String, lastError: String?) {
        self.channel = channel
        self.businessDate = businessDate
        self.dueSince = dueSince
        self.lastError = lastError
    }

    enum CodingKeys: String, CodingKey {
        case channel
        case businessDate = "business_date"
        case dueSince = "due_since"
        case lastError = "last_error"
    }
}

/// `POST /admin/recon/runs`.
public struct AdminReconRunRequest: Codable, Sendable, Equatable {
    public var channel: String
    /// yyyy-MM-dd, the bank's business date.
    public var date: String
    /// Download the statement again even if a file for the day is on disk.
    public var refetch: Bool?

    public init(channel: String, date: String, refetch: Bool? = nil) {
        self.channel = channel
        self.date = date
        self.refetch = refetch
    }
}

/// One side of a break: the statement line's or the ledger row's fields.
public struct AdminBreakSide: Codable, Sendable, Equatable {
    public var transactionId: String
    public var bankTransactionId: String?
    public var type: String
    public var amount: Int64
    public var currency: String
    public var status: String
    /// Statement: the bank's completion time; ledger: the row's business instant.
    public var at: String?
    /// Statement: the refunded payment's id for a refund line; ledger: the refund's payment.
    public var originalTransactionId: String?
    public var fee: Int64?

    public init(
        transactionId: String, bankTransactionId: String?, type: String, amount: Int64, currency: String,
        status: String, at: String?, originalTransactionId: String?, fee: Int64?
    ) {
        self.transactionId = transactionId
        self.bankTransactionId = bankTransactionId
        self.type = type
        self.amount = amount
        self.currency = currency
        self.status = status
        self.at = at
        self.originalTransactionId = originalTransactionId
        self.fee = fee
    }

    enum CodingKeys: String, CodingKey {
        case type, amount, currency, status, at, fee
        case transactionId = "transaction_id"
        case bankTransactionId = "bank_transaction_id"
        case originalTransactionId = "original_transaction_id"
    }
}

/// A stored break (`/admin/recon/breaks…`).
public struct AdminBreak: Codable, Sendable, Equatable {
    public var id: String
    public var channel: String
    public var breakClass: String
    public var transactionId: String?
    /// open, persisting, carried (a timing difference waiting for the next day), resolved.
    public var state: String
    public var firstSeen: String
    public var lastSeen: String
    /// Days from first seen to today.
    public var ageDays: Int
    public var amount: Int64?
    public var currency: String?
    public var lineNumber: Int?
    public var statement: AdminBreakSide?
    public var ledger: AdminBreakSide?
    public var issue: String?
    public var resolvedAt: String?
    public var resolvedBy: String?
    public var resolution: String?

    public init(
        id: String, channel: String, breakClass: String, transactionId: String?, state: String, firstSeen: String,
        lastSeen: String, ageDays: Int, amount: Int64?, currency: String?, lineNumber: Int?,
        statement: AdminBreakSide?, ledger: AdminBreakSide?, issue: String?, resolvedAt: String?,
        resolvedBy: String?, resolution: String?
    ) {
        self.id = id
        self.channel = channel
        self.breakClass = breakClass
        self.transactionId = transactionId
        self.state = state
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.ageDays = ageDays
        self.amount = amount
        self.currency = currency
        self.lineNumber = lineNumber
        self.statement = statement
        self.ledger = ledger
        self.issue = issue
        self.resolvedAt = resolvedAt
        self.resolvedBy = resolvedBy
        self.resolution = resolution
    }

    enum CodingKeys: String, CodingKey {
        case id, channel, state, amount, currency, statement, ledger, issue, resolution
        case breakClass = "class"
        case transactionId = "transaction_id"
        case firstSeen = "first_seen"
        case lastSeen = "last_seen"
        case ageDays = "age_days"
        case lineNumber = "line_number"
        case resolvedAt = "resolved_at"
        case resolvedBy = "resolved_by"
    }
}

/// `GET /admin/recon/breaks`.
public struct AdminBreaks: Codable, Sendable, Equatable {
    public var breaks: [AdminBreak]
    /// Present when more breaks follow: pass it as `after` for the next page.
    public var next: String?

    public init(breaks: [AdminBreak], next: String? = nil) {
        self.breaks = breaks
        self.next = next
    }
}

/// `POST /admin/recon/breaks/{id}/resolve`.
public struct AdminBreakResolve: Codable, Sendable, Equatable {
    public var note: String

    public init(note: String) { self.note = note }
}
