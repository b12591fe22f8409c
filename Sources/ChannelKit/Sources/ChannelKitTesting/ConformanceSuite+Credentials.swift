import ChannelKit
import Foundation

extension ConformanceSuite {
    /// The forms of a credential value the check looks for: the value, its hex (both cases) and base64 forms
    /// (values of 8 characters or more), and each line of 16 characters or more of a multi-line value (a PEM
    /// key), PEM armour lines excepted.
    static func leakForms(of value: String) -> [(form: String, text: String)] {
        guard !value.isEmpty else { return [] }
        var forms: [(String, String)] = [("value", value)]
        let bytes = [UInt8](value.utf8)
        if bytes.count >= 8 {
            let hex = bytes.map { String(format: "%02x", $0) }.joined()
            forms.append(("hex form", hex))
            forms.append(("hex form", hex.uppercased()))
            forms.append(("base64 form", Data(bytes).base64EncodedString()))
        }
        let lines = value.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        if lines.count > 1 {
            for line in lines where line.count >= 16 && !line.hasPrefix("-----") {
                forms.append(("line of the value", line))
            }
        }
        return forms
    }

    func checkNoCredentialLeak() async throws {
        let rule = ConformanceRule.noCredentialLeak
        let configuration = try await bank.configuration()
        let channel = try await makeChannel(configuration)
        // Exercise the channel: a success, a decline, a fault, a corrupted answer, a refund and an over-refund,
        // queries, a refused notification; the checks run before this one add what they saw.
        if let (payment, outcome) = try? await approvedPayment(rule, channel, configuration) {
            _ = try await refund(channel, refundRequest(payment, outcome, payment.amount.minorUnits))
            _ = try await refund(channel, refundRequest(payment, outcome, 1))
            var other = payment.amount
            other.minorUnits += 1
            _ = try await query(channel, QueryRequest(transactionId: payment.transactionId, kind: .payment, expectedAmount: other))
            _ = try await query(channel, QueryRequest(transactionId: bank.newTransactionId(), kind: .payment, expectedAmount: other))
        }
        if let request = try? await bank.arrange(.decline, for: try newPayment(configuration)) {
            _ = try await pay(channel, request)
        }
        for fault in [TransportFault.timeoutAfterSend, .corruptedAnswer, .serverError, .resetBeforeSend] {
            let request = try await bank.arrange(.approve, for: try newPayment(configuration))
            transport.inject(fault, corrupting: request.transactionId)
            _ = try await pay(channel, request)
            transport.inject(nil)
        }
        if plugin.manifest.capabilities.notifications {
            let forged = InboundNotification(
                method: "POST", target: "/notify/\(configuration.channelId)",
                headers: [HTTPHeaderField("Content-Type", "application/octet-stream")], body: Data("forged".utf8),
                receivedAt: bank.clock.now())
            do {
                _ = try await timed("handleNotification") { try await channel.handleNotification(forged) }
            } catch let timeout as CallTimedOut {
                throw timeout
            } catch {
                observed.add(Self.describe(error))
            }
        }
        for credential in plugin.manifest.credentials where configuration.credentials[credential.name] != nil {
            var reduced = configuration
            reduced.credentials[credential.name] = Credential(current: Secret(""))
            do {
                _ = try await makeChannel(reduced)
            } catch {
                observed.add(Self.describe(error))
            }
        }
        _ = try? await makeChannel(configuration)
        let selfCheck = await channel.selfCheck()
        observed.add(String(describing: selfCheck))

        // Look for every credential value in everything the channels said.
        var places: [(String, String)] = logger.entries.map { entry in
            let metadata = entry.metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            return ("a \(entry.level.rawValue) log message", entry.message + " " + metadata)
        }
        places += observed.all.map { ("an outcome, error or bank message", $0) }
        for delivery in inbox.received {
            if case .failure(let error) = delivery.result { places.append(("a notification error", Self.describe(error))) }
        }
        for (name, credential) in configuration.credentials.sorted(by: { $0.key < $1.key }) {
            for secret in credential.verificationValues {
                for (form, text) in Self.leakForms(of: secret.reveal()) {
                    for (place, said) in places where said.contains(text) {
                        let redacted = said.replacingOccurrences(of: text, with: "<credential>")
                        throw ConformanceFailure(
                            rule, "the credential '\(name)' (its \(form)) appears in \(place): \(redacted.prefix(300))")
                    }
                }
            }
        }
    }
}
