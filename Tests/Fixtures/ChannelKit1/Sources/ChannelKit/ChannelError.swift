/// An error a channel reports to the gateway, with a stable machine-readable code.
///
/// Channels throw this for problems on *our* side (bad configuration, unsupported currency, a statement that
/// is not ready yet). A bank's answer is never an error: it is a ``ChannelOutcome``.
/// Messages must never contain credentials.
public struct ChannelError: Error, Hashable, Sendable, Codable, CustomStringConvertible {
    /// A stable code. New codes may be added; match on the ones you know.
    public struct Code: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
        /// The code's text, e.g. `statement_not_ready`.
        public let rawValue: String
        /// Wraps a code text.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The code's text.
        public var description: String { rawValue }

        /// A configuration value is missing or invalid.
        public static let invalidConfiguration = Code(rawValue: "invalid_configuration")
        /// The channel does not handle this currency.
        public static let unsupportedCurrency = Code(rawValue: "unsupported_currency")
        /// The amount is zero, negative or above the maximum.
        public static let amountOutOfRange = Code(rawValue: "amount_out_of_range")
        /// A request field is invalid for this bank (id format, length...).
        public static let invalidRequest = Code(rawValue: "invalid_request")
        /// The plugin does not offer this capability.
        public static let unsupported = Code(rawValue: "unsupported")
        /// The bank has no statement for that date yet; try again later.
        public static let statementNotReady = Code(rawValue: "statement_not_ready")
        /// The statement could not be downloaded (transport trouble, a refused or unverifiable answer).
        public static let statementUnavailable = Code(rawValue: "statement_unavailable")
        /// A notification failed verification (signature, format); nothing in it may be trusted.
        public static let notificationRejected = Code(rawValue: "notification_rejected")
        /// The plugin could not be started.
        public static let pluginInitializationFailed = Code(rawValue: "plugin_initialization_failed")
    }

    /// The stable code.
    public var code: Code
    /// A human-readable explanation, free of secrets.
    public var message: String
    /// The bank's raw result code, when the bank gave one.
    public var bankCode: String?

    /// Creates an error.
    public init(_ code: Code, _ message: String, bankCode: String? = nil) {
        self.code = code
        self.message = message
        self.bankCode = bankCode
    }

    /// `code: message`.
    public var description: String {
        if let bankCode { return "\(code): \(message) (bank code \(bankCode))" }
        return "\(code): \(message)"
    }
}
