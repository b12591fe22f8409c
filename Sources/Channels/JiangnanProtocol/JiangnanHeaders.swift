/// Header names of the Jiangnan protocol.
public enum JiangnanHeaders {
    /// The merchant number the bank assigned.
    public static let merchantNo = "X-JN-MerchantNo"
    /// Unix time in milliseconds.
    public static let timestamp = "X-JN-Timestamp"
    /// 6–32 chars `[A-Za-z0-9-]`, never reused within 24 h.
    public static let nonce = "X-JN-Nonce"
    /// The signature.
    public static let signature = "X-JN-Signature"
}

/// Protocol constants from the interface document.
public enum JiangnanRules {
    /// A request older than this (or this far in the future) is refused and never processed.
    public static let timestampWindowMilliseconds: Int64 = 300_000
    /// Nonces are remembered this long.
    public static let nonceMemoryMilliseconds: Int64 = 24 * 3_600_000
    /// Largest amount in fen.
    public static let maximumAmount: Int64 = 99_999_999_999
    /// Paths of the operations.
    public static let payPath = "/api/v1/pay"
    /// Refund path.
    public static let refundPath = "/api/v1/refund"
    /// Query path.
    public static let queryPath = "/api/v1/query"
    /// Statement path.
    public static let statementPath = "/api/v1/statement"
    /// The statement's header line.
    public static let statementHeader =
        "trade_date,finished_at,out_trade_no,trade_no,type,amount,fee,currency,status,orig_out_trade_no"

    /// Whether `id` is a valid caller id: 1–64 chars of `[A-Za-z0-9_-]`.
    public static func isValidCallerId(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= 64
            && id.utf8.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    /// Whether `nonce` is 6–32 chars of `[A-Za-z0-9-]`.
    public static func isValidNonce(_ nonce: String) -> Bool {
        (6...32).contains(nonce.utf8.count) && nonce.utf8.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") }
    }

    private static func isAlphanumeric(_ c: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(c) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(c)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c)
    }
}
