import ChannelKit
import Foundation

extension ConformanceSuite {
    func checkManifest() async throws {
        let rule = ConformanceRule.manifestConsistent
        let manifest = plugin.manifest
        func fail(_ message: String) -> ConformanceFailure { ConformanceFailure(rule, message) }

        // Identity.
        let idCharacters = Set("abcdefghijklmnopqrstuvwxyz0123456789-")
        guard (1...64).contains(manifest.id.count), manifest.id.allSatisfy({ idCharacters.contains($0) }) else {
            throw fail("the plugin id '\(manifest.id)' is not 1–64 characters of [a-z0-9-]")
        }
        guard Self.isSemanticVersion(manifest.version) else {
            throw fail("the version '\(manifest.version)' is not MAJOR.MINOR.PATCH")
        }
        guard !manifest.displayName.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw fail("the display name is empty")
        }
        // Currencies.
        guard !manifest.currencies.isEmpty else { throw fail("the manifest lists no currency") }
        var currencies = Set<String>()
        for bound in manifest.currencies {
            guard Currency(code: bound.currency.code) != nil else {
                throw fail("\(bound.currency.code) is not an ISO 4217 currency")
            }
            guard currencies.insert(bound.currency.code).inserted else { throw fail("\(bound.currency.code) is listed twice") }
            guard bound.minimumMinorUnits >= 1, bound.maximumMinorUnits >= bound.minimumMinorUnits,
                bound.maximumMinorUnits <= 1_000_000_000_000_000
            else {
                throw fail("the bounds \(bound) are not 1 ≤ minimum ≤ maximum ≤ 10^15 minor units")
            }
        }
        if let window = manifest.capabilities.notFoundFinalAfterSeconds, !(1...(30 * 86_400)).contains(window) {
            throw fail("notFoundFinalAfterSeconds \(window) is not between 1 second and 30 days")
        }
        // Settings and credentials declared once.
        let settings = manifest.requiredSettings + manifest.optionalSettings
        if let twice = Self.duplicate(settings) { throw fail("the setting '\(twice)' is declared twice") }
        if let twice = Self.duplicate(manifest.credentials.map(\.name)) { throw fail("the credential '\(twice)' is declared twice") }
        if let empty = (settings + manifest.credentials.map(\.name)).first(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw fail("a setting or credential has an empty name '\(empty)'")
        }
        // Statements.
        if let statements = manifest.statements {
            guard statements.timeZone != nil else {
                throw fail("the statement time zone '\(statements.timeZoneIdentifier)' is unknown")
            }
            guard statements.availableAfterDayEnd >= .zero, statements.availableAfterDayEnd <= .seconds(7 * 86_400) else {
                throw fail("statements available \(statements.availableAfterDayEnd) after the day's end is not within 0…7 days")
            }
            guard !statements.format.isEmpty else { throw fail("the statement format is empty") }
        }

        // The bank's configuration uses only what the manifest declares, and is accepted.
        let configuration = try await bank.configuration()
        guard configuration.pluginId == manifest.id else {
            throw fail("the bank's configuration names plugin '\(configuration.pluginId)', the manifest '\(manifest.id)'")
        }
        if let unknown = configuration.settings.keys.sorted().first(where: { !settings.contains($0) }) {
            throw fail("the bank's configuration needs the setting '\(unknown)', which the manifest does not declare (declared: \(settings.sorted().joined(separator: ", ")))")
        }
        for (name, credential) in configuration.credentials.sorted(by: { $0.key < $1.key }) {
            guard let declaration = manifest.credential(name) else {
                throw fail("the bank's configuration needs the credential '\(name)', which the manifest does not declare")
            }
            if credential.next != nil && !declaration.rotates {
                throw fail("the bank's configuration gives a next value of '\(name)', which the manifest does not declare as rotating")
            }
        }
        for bound in configuration.currencies {
            guard let declared = manifest.currencies.bound(for: bound.currency),
                bound.minimumMinorUnits >= declared.minimumMinorUnits, bound.maximumMinorUnits <= declared.maximumMinorUnits
            else {
                throw fail("the bank's configuration takes \(bound), outside the manifest's \(manifest.currencies.map(\.description).joined(separator: ", "))")
            }
        }
        let channel: any PaymentChannel
        do {
            channel = try await timed("makeChannel") { try await self.makeChannel(configuration) }
        } catch let timeout as CallTimedOut {
            throw timeout
        } catch {
            throw fail("makeChannel refused the bank's configuration, which has only declared keys: \(Self.describe(error))")
        }
        // A configuration without a required setting or credential is refused with invalid_configuration.
        var reductions: [(String, ChannelConfiguration)] = []
        for name in manifest.requiredSettings {
            var reduced = configuration
            reduced.settings[name] = nil
            reductions.append(("the required setting '\(name)'", reduced))
        }
        for declaration in manifest.credentials where declaration.isRequired {
            var reduced = configuration
            reduced.credentials[declaration.name] = nil
            reductions.append(("the required credential '\(declaration.name)'", reduced))
        }
        for (what, reduced) in reductions {
            do {
                _ = try await timed("makeChannel") { try await self.plugin.makeChannel(context: self.context(reduced)) }
                throw fail("makeChannel accepted a configuration without \(what)")
            } catch let failure as ConformanceFailure {
                throw failure
            } catch let timeout as CallTimedOut {
                throw timeout
            } catch let error as PaymentChannelError where error.code == .invalidConfiguration {
                observed.add(error.description)
            } catch {
                throw fail("makeChannel refused a configuration without \(what) with \(Self.describe(error)), not invalid_configuration")
            }
        }
        _ = try await makeChannel(configuration)

        // Statements declared exactly when implemented: parsing an empty file is `unsupported` only without them.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("conformance-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let empty = folder.appendingPathComponent("empty")
        try Data().write(to: empty)
        let today = BusinessDate(containing: Date(), in: "UTC") ?? BusinessDate(year: 2026, month: 1, day: 1)!
        let file = StatementFile(businessDate: today, location: empty, byteCount: 0, contentType: nil)
        let parseError: (any Error)? = await {
            do {
                for try await _ in channel.parseStatement(file, batchSize: 100) {}
                return nil
            } catch {
                return error
            }
        }()
        let parseUnsupported = (parseError as? PaymentChannelError)?.code == .unsupported
        if manifest.statements == nil && !parseUnsupported {
            throw fail("the manifest declares no statements, but parseStatement is implemented (it did not fail with unsupported)")
        }
        if manifest.statements != nil && parseUnsupported {
            throw fail("the manifest declares statements, but parseStatement fails with unsupported")
        }
        if manifest.statements == nil {
            let request = StatementRequest(businessDate: today, destination: folder.appendingPathComponent("download"))
            do {
                _ = try await timed("downloadStatement") { try await channel.downloadStatement(request) }
                throw fail("the manifest declares no statements, but downloadStatement returned a file")
            } catch let failure as ConformanceFailure {
                throw failure
            } catch let error as PaymentChannelError where error.code == .unsupported {
            } catch {
                throw fail("the manifest declares no statements, but downloadStatement is implemented (it threw \(Self.describe(error)), not unsupported)")
            }
        }

        // Notifications declared exactly when implemented: a forged one is `notification_rejected` with them,
        // `unsupported` without.
        let forged = InboundNotification(
            method: "POST", target: "/notify/\(configuration.channelId)",
            headers: [HTTPHeaderField("Content-Type", "text/plain")], body: Data("not a notification".utf8), receivedAt: bank.clock.now())
        do {
            _ = try await timed("handleNotification") { try await channel.handleNotification(forged) }
            throw fail("handleNotification accepted a forged notification (body 'not a notification')")
        } catch let failure as ConformanceFailure {
            throw failure
        } catch let timeout as CallTimedOut {
            throw timeout
        } catch let error as PaymentChannelError {
            observed.add(error.description)
            if manifest.capabilities.notifications && error.code != .notificationRejected {
                throw fail("the manifest declares notifications, but a forged one was refused with \(error), not notification_rejected")
            }
            if !manifest.capabilities.notifications && error.code != .unsupported {
                throw fail("the manifest declares no notifications, but handleNotification is implemented (it threw \(error), not unsupported)")
            }
        } catch {
            throw fail("handleNotification threw \(Self.describe(error)), not a PaymentChannelError")
        }
    }

    /// A context for `configuration`, as ``makeChannel(_:)`` builds it.
    func context(_ configuration: ChannelConfiguration) throws -> ChannelContext {
        ChannelContext(
            configuration: configuration, transport: transport, logger: logger, clock: bank.clock,
            notifyURL: try inbox.url(for: configuration.channelId))
    }

    static func isSemanticVersion(_ text: String) -> Bool {
        let core = text.split(separator: "-", maxSplits: 1).first.map(String.init) ?? text
        let withoutBuild = core.split(separator: "+", maxSplits: 1).first.map(String.init) ?? core
        let parts = withoutBuild.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 3 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
    }

    static func duplicate(_ names: [String]) -> String? {
        var seen = Set<String>()
        return names.first { !seen.insert($0).inserted }
    }
}
