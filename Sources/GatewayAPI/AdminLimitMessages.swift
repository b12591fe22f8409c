/// Every configured limit (限额限次) with today's usage (`GET /admin/limits`, `gatewayctl limits`).
public struct AdminLimitsResponse: Codable, Sendable, Equatable {
    public var limits: [AdminLimit]

    public init(limits: [AdminLimit]) {
        self.limits = limits
    }
}

/// One limit of one channel, merchant, or merchant on a channel, in one currency.
public struct AdminLimit: Codable, Sendable, Equatable {
    /// `channel`, `merchant` or `merchant_channel`.
    public var scope: String
    public var channel: String?
    public var merchant: String?
    public var currency: String
    /// Today in the limit's time zone (`yyyy-MM-dd`): the day `used_*` count.
    public var day: String
    public var timeZone: String
    /// One-payment bounds, minor units (merchant scopes).
    public var minAmount: Int64?
    public var maxAmount: Int64?
    /// The day's caps (nil: none) and what counts against them now: accepted payments not declined (pending ones
    /// included), minor units and payments.
    public var dailyAmount: Int64?
    public var dailyCount: Int64?
    public var usedAmount: Int64
    public var usedCount: Int64

    public init(
        scope: String, channel: String?, merchant: String?, currency: String, day: String, timeZone: String,
        minAmount: Int64?, maxAmount: Int64?, dailyAmount: Int64?, dailyCount: Int64?, usedAmount: Int64, usedCount: Int64
    ) {
        self.scope = scope
        self.channel = channel
        self.merchant = merchant
        self.currency = currency
        self.day = day
        self.timeZone = timeZone
        self.minAmount = minAmount
        self.maxAmount = maxAmount
        self.dailyAmount = dailyAmount
        self.dailyCount = dailyCount
        self.usedAmount = usedAmount
        self.usedCount = usedCount
    }

    enum CodingKeys: String, CodingKey {
        case scope, channel, merchant, currency, day
        case timeZone = "time_zone"
        case minAmount = "min_amount"
        case maxAmount = "max_amount"
        case dailyAmount = "daily_amount"
        case dailyCount = "daily_count"
        case usedAmount = "used_amount"
        case usedCount = "used_count"
    }
}
