import Foundation

/// `POST /api/v1/pay` body.
public struct JiangnanPayBody: Codable, Sendable, Equatable {
    public var out_trade_no: String
    public var amount: Int64
    public var currency: String
    public var subject: String
    public var notify_url: String
    public init(out_trade_no: String, amount: Int64, currency: String, subject: String, notify_url: String) {
        self.out_trade_no = out_trade_no
        self.amount = amount
        self.currency = currency
        self.subject = subject
        self.notify_url = notify_url
    }
}

/// `POST /api/v1/refund` body.
public struct JiangnanRefundBody: Codable, Sendable, Equatable {
    public var out_refund_no: String
    public var out_trade_no: String
    public var refund_amount: Int64
    public var reason: String
    public init(out_refund_no: String, out_trade_no: String, refund_amount: Int64, reason: String) {
        self.out_refund_no = out_refund_no
        self.out_trade_no = out_trade_no
        self.refund_amount = refund_amount
        self.reason = reason
    }
}

/// `POST /api/v1/query` body: exactly one of the two ids.
public struct JiangnanQueryBody: Codable, Sendable, Equatable {
    public var out_trade_no: String?
    public var out_refund_no: String?
    public init(out_trade_no: String? = nil, out_refund_no: String? = nil) {
        self.out_trade_no = out_trade_no
        self.out_refund_no = out_refund_no
    }
}

/// `data` of a pay or payment query answer.
public struct JiangnanTradeData: Codable, Sendable, Equatable {
    public var out_trade_no: String
    public var trade_no: String
    public var status: String
    public var amount: Int64
    public var finished_at: String
    public var fail_code: String
    public var fail_msg: String
    public init(
        out_trade_no: String, trade_no: String, status: String, amount: Int64, finished_at: String,
        fail_code: String = "", fail_msg: String = ""
    ) {
        self.out_trade_no = out_trade_no
        self.trade_no = trade_no
        self.status = status
        self.amount = amount
        self.finished_at = finished_at
        self.fail_code = fail_code
        self.fail_msg = fail_msg
    }

    enum CodingKeys: String, CodingKey {
        case out_trade_no, trade_no, status, amount, finished_at, fail_code, fail_msg
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        out_trade_no = try c.decode(String.self, forKey: .out_trade_no)
        trade_no = try c.decodeIfPresent(String.self, forKey: .trade_no) ?? ""
        status = try c.decode(String.self, forKey: .status)
        amount = try c.decode(Int64.self, forKey: .amount)
        finished_at = try c.decodeIfPresent(String.self, forKey: .finished_at) ?? ""
        fail_code = try c.decodeIfPresent(String.self, forKey: .fail_code) ?? ""
        fail_msg = try c.decodeIfPresent(String.self, forKey: .fail_msg) ?? ""
    }
}

/// `data` of a refund or refund query answer.
public struct JiangnanRefundData: Codable, Sendable, Equatable {
    public var out_refund_no: String
    public var out_trade_no: String
    public var refund_no: String
    public var status: String
    public var refund_amount: Int64
    public var finished_at: String
    public init(
        out_refund_no: String, out_trade_no: String, refund_no: String, status: String, refund_amount: Int64,
        finished_at: String
    ) {
        self.out_refund_no = out_refund_no
        self.out_trade_no = out_trade_no
        self.refund_no = refund_no
        self.status = status
        self.refund_amount = refund_amount
        self.finished_at = finished_at
    }

    enum CodingKeys: String, CodingKey {
        case out_refund_no, out_trade_no, refund_no, status, refund_amount, finished_at
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        out_refund_no = try c.decode(String.self, forKey: .out_refund_no)
        out_trade_no = try c.decodeIfPresent(String.self, forKey: .out_trade_no) ?? ""
        refund_no = try c.decodeIfPresent(String.self, forKey: .refund_no) ?? ""
        status = try c.decode(String.self, forKey: .status)
        refund_amount = try c.decode(Int64.self, forKey: .refund_amount)
        finished_at = try c.decodeIfPresent(String.self, forKey: .finished_at) ?? ""
    }
}

/// Every answer: `{"code", "msg", "data"}`; `data` is `{}` unless `code` is `0000`/`1001`.
public struct JiangnanEnvelope<Payload: Codable & Sendable>: Codable, Sendable {
    public var code: String
    public var msg: String
    public var data: Payload?
    public init(code: String, msg: String, data: Payload?) {
        self.code = code
        self.msg = msg
        self.data = data
    }

    enum CodingKeys: String, CodingKey { case code, msg, data }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(code, forKey: .code)
        try c.encode(msg, forKey: .msg)
        if let data { try c.encode(data, forKey: .data) } else { try c.encode(JiangnanEmpty(), forKey: .data) }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        code = try c.decode(String.self, forKey: .code)
        msg = try c.decodeIfPresent(String.self, forKey: .msg) ?? ""
        data = try? c.decodeIfPresent(Payload.self, forKey: .data)
    }
}

/// The `{}` of a non-success answer.
public struct JiangnanEmpty: Codable, Sendable, Equatable {
    public init() {}
}

/// A notification body: `{"event": "trade.finished" | "refund.finished", "data": {...}}`.
public struct JiangnanNotification<Payload: Codable & Sendable>: Codable, Sendable {
    public var event: String
    public var data: Payload
    public init(event: String, data: Payload) {
        self.event = event
        self.data = data
    }
}

/// Bank-side time formatting: `yyyy-MM-ddTHH:mm:ss+08:00`, the bank's zone UTC+8.
public enum JiangnanTime {
    /// The bank's time zone.
    public static let zone = TimeZone(secondsFromGMT: 8 * 3600)!

    /// Formats a date as the bank does.
    public static func format(_ date: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d+08:00", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    /// Parses `yyyy-MM-ddTHH:mm:ss+08:00`; `nil` for anything else (including impossible dates such as
    /// Feb 30 or 24:00:00).
    public static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { parse(utf8: $0) }
    }

    /// Parses the UTF-8 bytes of `yyyy-MM-ddTHH:mm:ss+08:00` without Foundation calendars; `nil` for
    /// anything else.
    public static func parse<Bytes: RandomAccessCollection>(utf8 bytes: Bytes) -> Date? where Bytes.Element == UInt8 {
        if let parsed = bytes.withContiguousStorageIfAvailable({ parse(utf8: $0) }) { return parsed }
        return Array(bytes).withUnsafeBufferPointer { parse(utf8: $0) }
    }

    /// Parses the UTF-8 bytes of `yyyy-MM-ddTHH:mm:ss+08:00` without Foundation calendars (fast enough for
    /// millions of statement lines); `nil` for anything else.
    public static func parse(utf8 u: UnsafeBufferPointer<UInt8>) -> Date? {
        guard u.count == 25 else { return nil }
        func num(_ from: Int, _ len: Int) -> Int? {
            var v = 0
            for i in from..<(from + len) {
                let c = u[i]
                guard c >= 48, c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            return v
        }
        // "yyyy-MM-ddTHH:mm:ss+08:00"
        guard u[4] == 45, u[7] == 45, u[10] == 84, u[13] == 58, u[16] == 58, u[19] == 43, u[20] == 48,
            u[21] == 56, u[22] == 58, u[23] == 48, u[24] == 48,
            let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2), let h = num(11, 2), let mi = num(14, 2),
            let s = num(17, 2), y >= 1, (1...12).contains(mo), d >= 1, d <= daysInMonth(y, mo), h <= 23, mi <= 59,
            s <= 59
        else { return nil }
        let seconds = Int64(daysFromCivil(y, mo, d)) * 86_400 + Int64(h * 3600 + mi * 60 + s) - 8 * 3600
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// Days of a month of the proleptic Gregorian calendar.
    static func daysInMonth(_ year: Int, _ month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to a civil date (H. Hinnant's algorithm).
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The business date (`yyyyMMdd`) of an instant, in the bank's zone.
    public static func businessDay(_ date: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d%02d%02d", c.year!, c.month!, c.day!)
    }

    /// The start (00:00:00 UTC+8) of a `yyyyMMdd` business date.
    public static func startOfDay(_ compact: String) -> Date? {
        guard compact.utf8.count == 8, let v = Int(compact) else { return nil }
        var comps = DateComponents()
        (comps.year, comps.month, comps.day) = (v / 10000, v / 100 % 100, v % 100)
        guard let date = calendar.date(from: comps) else { return nil }
        let back = calendar.dateComponents([.year, .month, .day], from: date)
        guard back.year == v / 10000, back.month == v / 100 % 100, back.day == v % 100 else { return nil }
        return date
    }

    private static let calendar: Calendar = {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = zone
        return cal
    }()
}
