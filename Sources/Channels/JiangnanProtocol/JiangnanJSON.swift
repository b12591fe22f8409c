import Foundation

/// A minimal, deterministic JSON writer for Jiangnan message bodies.
///
/// The signature covers the exact body bytes, so bodies are written byte-for-byte predictably: keys in the
/// given order, no whitespace, `/` and non-ASCII characters unescaped, control characters escaped. This is
/// the form of the interface document's test vectors.
public enum JiangnanJSON {
    /// A JSON value the writer can emit.
    public enum Value: Sendable, Equatable {
        /// A string.
        case string(String)
        /// An integer.
        case integer(Int64)
        /// An object with its keys in order.
        case object([(String, Value)])

        /// Compares values structurally (keys in order).
        public static func == (lhs: Value, rhs: Value) -> Bool {
            switch (lhs, rhs) {
            case (.string(let a), .string(let b)): return a == b
            case (.integer(let a), .integer(let b)): return a == b
            case (.object(let a), .object(let b)):
                return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
            default: return false
            }
        }
    }

    /// The bytes of an object with `fields` in order.
    public static func object(_ fields: [(String, Value)]) -> Data {
        var out = [UInt8]()
        out.reserveCapacity(256)
        write(.object(fields), into: &out)
        return Data(out)
    }

    private static func write(_ value: Value, into out: inout [UInt8]) {
        switch value {
        case .string(let text): writeString(text, into: &out)
        case .integer(let number): out.append(contentsOf: String(number).utf8)
        case .object(let fields):
            out.append(UInt8(ascii: "{"))
            for (index, (key, value)) in fields.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                write(value, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func writeString(_ text: String, into out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x00..<0x20:
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0f)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

extension JiangnanPayBody {
    /// The exact request body, keys in the document's order (`out_trade_no, amount, currency, subject,
    /// notify_url`), as in test vector 1.
    public var jsonData: Data {
        JiangnanJSON.object([
            ("out_trade_no", .string(out_trade_no)), ("amount", .integer(amount)), ("currency", .string(currency)),
            ("subject", .string(subject)), ("notify_url", .string(notify_url)),
        ])
    }
}

extension JiangnanRefundBody {
    /// The exact request body, keys in the document's order.
    public var jsonData: Data {
        JiangnanJSON.object([
            ("out_refund_no", .string(out_refund_no)), ("out_trade_no", .string(out_trade_no)),
            ("refund_amount", .integer(refund_amount)), ("reason", .string(reason)),
        ])
    }
}

extension JiangnanQueryBody {
    /// The exact request body: only the ids that are set.
    public var jsonData: Data {
        var fields: [(String, JiangnanJSON.Value)] = []
        if let out_trade_no { fields.append(("out_trade_no", .string(out_trade_no))) }
        if let out_refund_no { fields.append(("out_refund_no", .string(out_refund_no))) }
        return JiangnanJSON.object(fields)
    }
}

extension JiangnanTradeData {
    /// The `data` object as the bank writes it (keys in the document's order).
    public var jsonValue: JiangnanJSON.Value {
        .object([
            ("out_trade_no", .string(out_trade_no)), ("trade_no", .string(trade_no)), ("status", .string(status)),
            ("amount", .integer(amount)), ("finished_at", .string(finished_at)), ("fail_code", .string(fail_code)),
            ("fail_msg", .string(fail_msg)),
        ])
    }
}

extension JiangnanRefundData {
    /// The `data` object as the bank writes it (keys in the document's order).
    public var jsonValue: JiangnanJSON.Value {
        .object([
            ("out_refund_no", .string(out_refund_no)), ("out_trade_no", .string(out_trade_no)),
            ("refund_no", .string(refund_no)), ("status", .string(status)), ("refund_amount", .integer(refund_amount)),
            ("finished_at", .string(finished_at)),
        ])
    }
}

/// Notification events and the bank's expected acknowledgement.
public enum JiangnanEvent {
    /// A payment reached `SUCCESS` or `FAILED`.
    public static let tradeFinished = "trade.finished"
    /// A refund reached `SUCCESS` or `FAILED`.
    public static let refundFinished = "refund.finished"
    /// The body that acknowledges a notification: `{"code":"0000","msg":"ok"}`.
    public static var acknowledgement: Data {
        JiangnanJSON.object([("code", .string(JiangnanCode.ok)), ("msg", .string("ok"))])
    }
}

/// Transaction statuses in `data.status` and in statements.
public enum JiangnanStatus {
    /// Completed successfully.
    public static let success = "SUCCESS"
    /// Not finished yet.
    public static let processing = "PROCESSING"
    /// Failed; see `fail_code`/`fail_msg`.
    public static let failed = "FAILED"
}
