import ChannelKit
import Foundation

extension ConformanceSuite {
    func checkNotification() async throws {
        let rule = ConformanceRule.notificationVerified
        guard plugin.manifest.capabilities.notifications else {
            throw ConformanceUnsupported("the manifest declares no notifications")
        }
        let configuration = try await bank.configuration()
        let channel = try await makeChannel(configuration)
        let (payment, outcome) = try await approvedPayment(rule, channel, configuration)
        let genuine: InboundNotification
        if let given = try await bank.notification(for: payment, outcome: outcome) {
            genuine = given
            do {
                let result = try await timed("handleNotification") { try await channel.handleNotification(given) }
                try requireEvent(rule, result, payment)
            } catch let failure as ConformanceFailure {
                throw failure
            } catch let timeout as CallTimedOut {
                throw timeout
            } catch {
                observed.add(Self.describe(error))
                throw ConformanceFailure(
                    rule, "the bank's genuine notification for \(payment.transactionId) was refused: \(Self.describe(error))")
            }
        } else {
            let delivery = try await awaitDelivery(for: payment.transactionId)
            guard let delivery else {
                throw ConformanceFailure(
                    rule,
                    "no notification for \(payment.transactionId) reached the channel's notifyURL within \(bank.notificationTimeout) (does the channel give the bank its notifyURL?)")
            }
            switch delivery.result {
            case .failure(let error):
                throw ConformanceFailure(
                    rule, "the bank's genuine notification for \(payment.transactionId) was refused: \(Self.describe(error))")
            case .success(let result):
                try requireEvent(rule, result, payment)
            }
            genuine = delivery.notification
        }
        for (what, tampered) in Self.tamperings(of: genuine, id: payment.transactionId) {
            do {
                let result = try await timed("handleNotification") { try await channel.handleNotification(tampered) }
                let events = result.events.map { "\($0.transactionId) \($0.outcome.status.rawValue)" }.joined(separator: ", ")
                throw ConformanceFailure(
                    rule, "a notification for \(payment.transactionId) \(what) was accepted (events: \(events.isEmpty ? "none" : events))")
            } catch let failure as ConformanceFailure {
                throw failure
            } catch let timeout as CallTimedOut {
                throw timeout
            } catch let error as PaymentChannelError where error.code == .notificationRejected {
                observed.add(error.description)
                continue
            } catch {
                observed.add(Self.describe(error))
                throw ConformanceFailure(
                    rule, "a notification \(what) was refused with \(Self.describe(error)), not notification_rejected")
            }
        }
    }

    private func requireEvent(_ rule: ConformanceRule, _ result: NotificationResult, _ payment: PayRequest) throws {
        for event in result.events { observed.add(Self.describe(event.outcome)) }
        guard let event = result.events.first(where: { $0.transactionId == payment.transactionId }) else {
            throw ConformanceFailure(
                rule, "the bank's genuine notification for \(payment.transactionId) was accepted without an event for it")
        }
        guard event.kind == .payment, event.outcome.status == .succeeded, event.outcome.amount == payment.amount else {
            throw ConformanceFailure(
                rule,
                "the bank's notification of the succeeded payment \(payment.transactionId) of \(payment.amount) was read as \(event.kind.rawValue) \(Self.describe(event.outcome))")
        }
    }

    /// Waits for a delivery about `id` to the suite's notification server.
    private func awaitDelivery(for id: String) async throws -> NotificationInbox.Delivery? {
        let deadline = ContinuousClock.now + bank.notificationTimeout
        while ContinuousClock.now < deadline {
            if let found = inbox.received.first(where: { Self.mentions($0, id) }) { return found }
            try await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }

    private static func mentions(_ delivery: NotificationInbox.Delivery, _ id: String) -> Bool {
        if case .success(let result) = delivery.result, result.events.contains(where: { $0.transactionId == id }) {
            return true
        }
        let request = HTTPRequestMessage(
            method: delivery.notification.method, url: URL(string: "http://127.0.0.1")!,
            headers: delivery.notification.headers, body: delivery.notification.body)
        return WireText.carries(request, id) || delivery.notification.target.contains(id)
    }

    /// The genuine notification tampered with in ways no bank signs: the transaction id altered in the body
    /// (it is part of what every bank signs), and every signature-like header altered.
    static func tamperings(of genuine: InboundNotification, id: String) -> [(String, InboundNotification)] {
        var result: [(String, InboundNotification)] = []
        var altered = genuine
        altered.body = FaultInjectingTransport.corrupt(genuine.body, marker: id)
        if altered.body != genuine.body {
            result.append(("whose transaction id the kit altered in the body", altered))
        }
        if genuine.headers.contains(where: { $0.name.lowercased().contains("sign") }) {
            var header = genuine
            header.headers = genuine.headers.map { field in
                field.name.lowercased().contains("sign")
                    ? HTTPHeaderField(field.name, FaultInjectingTransport.corruptText(field.value)) : field
            }
            result.append(("whose signature header the kit altered", header))
        }
        return result
    }
}
