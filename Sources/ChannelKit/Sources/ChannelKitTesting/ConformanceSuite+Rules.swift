import ChannelKit
import Foundation

extension ConformanceSuite {
    func checkManifest() async throws { throw ConformanceUnsupported("not implemented yet") }
    func checkPayThenQuery() async throws { throw ConformanceUnsupported("not implemented yet") }
    func checkFaultIsPending(_ rule: ConformanceRule, _ fault: TransportFault, _ what: String) async throws {
        throw ConformanceUnsupported("not implemented yet")
    }
    func checkUnverifiable() async throws { throw ConformanceUnsupported("not implemented yet") }
    func checkBehaviourIsPending(_ rule: ConformanceRule, _ behaviour: BankBehaviour) async throws {
        throw ConformanceUnsupported("not implemented yet")
    }
    func checkNotProcessed() async throws { throw ConformanceUnsupported("not implemented yet") }
    func checkTransactionId() async throws { throw ConformanceUnsupported("not implemented yet") }
    func checkRefundsAddUp() async throws { throw ConformanceUnsupported("not implemented yet") }
    func checkOverRefund() async throws { throw ConformanceUnsupported("not implemented yet") }
    func checkStatementLines() async throws { throw ConformanceUnsupported("not implemented yet") }
    func checkStatementMatches() async throws { throw ConformanceUnsupported("not implemented yet") }
    func checkNotification() async throws { throw ConformanceUnsupported("not implemented yet") }
    func checkNoCredentialLeak() async throws { throw ConformanceUnsupported("not implemented yet") }
}
