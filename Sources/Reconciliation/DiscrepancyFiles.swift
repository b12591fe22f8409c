import ChannelKit
import Foundation

/// The discrepancy files of a run: CSV and JSON Lines, one reported item per line with both sides' fields.
/// The bytes depend only on the items (sorted by class, transaction id, line), never on when or where the
/// run happened, so re-running a day whose statement and ledger rows did not change gives identical files.
public enum DiscrepancyFiles {
    /// The CSV columns, in order.
    public static let columns = [
        "class", "carried", "break_key", "line_number",
        "statement_transaction_id", "statement_bank_transaction_id", "statement_type", "statement_amount",
        "statement_fee", "statement_currency", "statement_status", "statement_finished_at",
        "statement_original_transaction_id",
        "ledger_transaction_id", "ledger_bank_transaction_id", "ledger_type", "ledger_amount", "ledger_currency",
        "ledger_status", "ledger_business_at", "ledger_payment_id",
        "issue",
    ]

    /// One item as ordered (column, value) pairs; nil values are empty in CSV and absent in JSON.
    static func fields(_ item: ReconciliationItem, date: BusinessDate) -> [(String, Value)] {
        let s = item.statement, l = item.ledger
        return [
            ("class", .text(item.breakClass.rawValue)),
            ("carried", .bool(item.carried)),
            ("break_key", .text(item.breakKey(statementDate: date))),
            ("line_number", item.lineNumber.map { .int(Int64($0)) } ?? .none),
            ("statement_transaction_id", s.map { .text($0.transactionId) } ?? .none),
            ("statement_bank_transaction_id", s.map { .text($0.bankTransactionId) } ?? .none),
            ("statement_type", s.map { .text($0.kind.rawValue) } ?? .none),
            ("statement_amount", s.map { .int($0.amount.minorUnits) } ?? .none),
            ("statement_fee", s.map { .int($0.fee.minorUnits) } ?? .none),
            ("statement_currency", s.map { .text($0.amount.currency.code) } ?? .none),
            ("statement_status", s.map { .text($0.status.rawValue) } ?? .none),
            ("statement_finished_at", s?.finishedAt.map { .text(Self.timestamp(ms: Self.ms($0))) } ?? .none),
            ("statement_original_transaction_id", s?.originalTransactionId.map { .text($0) } ?? .none),
            ("ledger_transaction_id", l.map { .text($0.transactionId) } ?? .none),
            ("ledger_bank_transaction_id", l?.bankTransactionId.map { .text($0) } ?? .none),
            ("ledger_type", l.map { .text($0.kind.rawValue) } ?? .none),
            ("ledger_amount", l.map { .int($0.amount) } ?? .none),
            ("ledger_currency", l.map { .text($0.currency) } ?? .none),
            ("ledger_status", l.map { .text($0.status.label) } ?? .none),
            ("ledger_business_at", l.map { .text(Self.timestamp(ms: $0.dayAt)) } ?? .none),
            ("ledger_payment_id", l?.paymentId.map { .text($0) } ?? .none),
            ("issue", item.issue.map { .text("\($0.reason): \($0.line)") } ?? .none),
        ]
    }

    enum Value {
        case none
        case text(String)
        case int(Int64)
        case bool(Bool)
    }

    /// The CSV file's bytes (RFC 4180; a field that a spreadsheet would run as a formula is prefixed with `'`).
    public static func csv(_ items: [ReconciliationItem], date: BusinessDate) -> Data {
        var out = columns.joined(separator: ",") + "\n"
        for item in items {
            var first = true
            for (name, value) in fields(item, date: date) {
                if !first { out += "," }
                first = false
                switch value {
                case .none: break
                case .int(let n): out += String(n)
                case .bool(let b): out += b ? "true" : "false"
                case .text(let text): out += csvField(text, freeText: name == "issue")
                }
            }
            out += "\n"
        }
        return Data(out.utf8)
    }

    static func csvField(_ text: String, freeText: Bool) -> String {
        var value = text
        if freeText, let first = value.first, "=+-@\t\r".contains(first) { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// The JSON Lines file's bytes: one object per item, keys in column order.
    public static func jsonLines(_ items: [ReconciliationItem], date: BusinessDate) -> Data {
        var out = ""
        for item in items {
            out += "{"
            var first = true
            for (name, value) in fields(item, date: date) {
                let encoded: String
                switch value {
                case .none: continue
                case .int(let n): encoded = String(n)
                case .bool(let b): encoded = b ? "true" : "false"
                case .text(let text): encoded = jsonString(text)
                }
                if !first { out += "," }
                first = false
                out += "\"\(name)\":" + encoded
            }
            out += "}\n"
        }
        return Data(out.utf8)
    }

    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    static func ms(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    /// `2026-11-24T02:15:02.000Z`: UTC, milliseconds, no locale or formatter state involved.
    public static func timestamp(ms: Int64) -> String {
        let days = ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000
        let rest = ms - days * 86_400_000
        let (year, month, day) = CivilDate.from(days: days)
        func pad(_ n: Int64, _ width: Int) -> String {
            let text = String(n)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(rest / 3_600_000, 2)):"
            + "\(pad(rest / 60_000 % 60, 2)):\(pad(rest / 1000 % 60, 2)).\(pad(rest % 1000, 3))Z"
    }
}
