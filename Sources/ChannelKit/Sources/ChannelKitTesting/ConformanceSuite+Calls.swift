import ChannelKit
import Foundation

/// A channel call that did not return within ``ConformanceSuite/Options/callTimeout``.
struct CallTimedOut: Error {
    var call: String
}

/// What one pay or refund call came to, read the way the gateway reads it.
struct Attempt: Sendable {
    /// The outcome, or the gateway's reading of a throw (declined `not_sent` for a pre-send refusal, else
    /// pending `channel_failure`).
    var outcome: ChannelOutcome
    /// The error the channel threw, if any.
    var thrown: String?
    /// What went over the transport during the call.
    var exchanges: [FaultInjectingTransport.Exchange]

    /// Whether any request reached the bank's transport.
    var forwarded: Bool { exchanges.contains { $0.forwarded } }

    /// The outcome and how it came, for messages.
    var summary: String {
        if let thrown { return "threw \(thrown)" }
        return ConformanceSuite.describe(outcome)
    }
}

/// Everything the channels said during the suite (outcomes, errors, bank messages), for the credential check.
final class ObservedValues: @unchecked Sendable {
    private let lock = NSLock()
    private var texts: [String] = []

    func add(_ text: String) { lock.withLock { texts.append(text) } }
    var all: [String] { lock.withLock { texts } }
}

extension ConformanceSuite {
    /// A channel on the bank's configuration (or `configuration`), registered for notifications.
    func makeChannel(_ configuration: ChannelConfiguration? = nil) async throws -> any PaymentChannel {
        let resolved: ChannelConfiguration
        if let configuration {
            resolved = configuration
        } else {
            resolved = try await bank.configuration()
        }
        let configuration = resolved
        let context = ChannelContext(
            configuration: configuration, transport: transport, logger: logger, clock: bank.clock,
            notifyURL: try inbox.url(for: configuration.channelId))
        let channel = try await plugin.makeChannel(context: context)
        inbox.register(channel)
        return channel
    }

    /// A fresh payment of the options' amount in the configuration's first currency.
    func newPayment(_ configuration: ChannelConfiguration, subject: String = "conformance") throws -> PayRequest {
        guard let bound = configuration.currencies.first else {
            throw ConformanceUnsupported("the bank's configuration lists no currency")
        }
        let amount = min(max(options.amountMinorUnits, bound.minimumMinorUnits), bound.maximumMinorUnits)
        return PayRequest(
            transactionId: bank.newTransactionId(), amount: Money(minorUnits: amount, currency: bound.currency),
            subject: subject)
    }

    /// Runs `body` with the options' call timeout.
    func timed<T: Sendable>(_ call: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let timeout = options.callTimeout
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let once = Once(continuation)
            let work = Task {
                do { once.resume(.success(try await body())) } catch { once.resume(.failure(error)) }
            }
            let timer = Task {
                try? await Task.sleep(for: timeout)
                if once.resume(.failure(CallTimedOut(call: call))) { work.cancel() }
            }
            once.onResume { timer.cancel() }
        }
    }

    /// Pays, reading a throw as the gateway does.
    func pay(_ channel: any PaymentChannel, _ request: PayRequest) async throws -> Attempt {
        try await attempt("pay(\(request.transactionId))") { try await channel.pay(request) }
    }

    /// Refunds, reading a throw as the gateway does.
    func refund(_ channel: any PaymentChannel, _ request: RefundRequest) async throws -> Attempt {
        try await attempt("refund(\(request.transactionId))") { try await channel.refund(request) }
    }

    /// Queries; a throw is returned as the error's description.
    func query(_ channel: any PaymentChannel, _ request: QueryRequest) async throws -> Result<QueryResult, PlainError> {
        do {
            let result = try await timed("query(\(request.transactionId))") { try await channel.query(request) }
            if let outcome = result.outcome { observed.add(Self.describe(outcome)) }
            return .success(result)
        } catch let timeout as CallTimedOut {
            throw timeout
        } catch {
            observed.add(Self.describe(error))
            return .failure(PlainError(Self.describe(error)))
        }
    }

    private func attempt(_ call: String, _ body: @escaping @Sendable () async throws -> ChannelOutcome) async throws -> Attempt {
        let before = transport.exchanges.count
        do {
            let outcome = try await timed(call, body)
            observed.add(Self.describe(outcome))
            return Attempt(outcome: outcome, thrown: nil, exchanges: Array(transport.exchanges.dropFirst(before)))
        } catch let timeout as CallTimedOut {
            throw timeout
        } catch {
            let exchanges = Array(transport.exchanges.dropFirst(before))
            let text = Self.describe(error)
            observed.add(text)
            let refusedBeforeSending =
                (error as? PaymentChannelError).map { PaymentChannelError.Code.rejectsBeforeSending.contains($0.code) } ?? false
            let outcome: ChannelOutcome =
                refusedBeforeSending && exchanges.isEmpty
                ? .notSent("the channel refused before sending: \(text)")
                : .pending(.channelFailure, message: "the channel threw: \(text)")
            return Attempt(outcome: outcome, thrown: text, exchanges: exchanges)
        }
    }

    /// `status (reason or cause), bank code …, message …, amount …`.
    static func describe(_ outcome: ChannelOutcome) -> String {
        var text = outcome.status.rawValue
        if let reason = outcome.declineReason { text += " (\(reason.rawValue))" }
        if let cause = outcome.pendingCause { text += " (\(cause.rawValue))" }
        if let code = outcome.bankCode { text += ", bank code \(code)" }
        if let message = outcome.bankMessage { text += ", message \"\(message)\"" }
        if let amount = outcome.amount { text += ", amount \(amount)" }
        return text
    }
}

/// An error carried as its description.
struct PlainError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Resumes a continuation once.
private final class Once<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, any Error>?
    private var done: (@Sendable () -> Void)?
    private var finished = false

    init(_ continuation: CheckedContinuation<T, any Error>) { self.continuation = continuation }

    @discardableResult
    func resume(_ result: Result<T, any Error>) -> Bool {
        let (continuation, done) = lock.withLock {
            let taken = (self.continuation, self.done)
            self.continuation = nil
            self.finished = true
            return taken
        }
        guard let continuation else { return false }
        continuation.resume(with: result)
        done?()
        return true
    }

    func onResume(_ action: @escaping @Sendable () -> Void) {
        let run: Bool = lock.withLock {
            if finished { return true }
            done = action
            return false
        }
        if run { action() }
    }
}
