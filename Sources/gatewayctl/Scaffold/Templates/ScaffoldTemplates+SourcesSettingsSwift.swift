extension ScaffoldTemplates {
    /// `Sources/{{Module}}/{{Module}}Settings.swift` of a generated package.
    static let sourcesSettingsSwift = ScaffoldFile(
        "Sources/{{Module}}/{{Module}}Settings.swift",
        #"""
import ChannelKit

/// A channel's settings and keys, checked once when the channel is built.
struct {{Module}}Settings: Sendable {
    let merchantNo: String
    let secret: Credential

    init(_ configuration: ChannelConfiguration) throws(PaymentChannelError) {
        merchantNo = try configuration.requiredSetting({{Module}}Plugin.merchantNoSetting)
        secret = try configuration.requiredCredential({{Module}}Plugin.secretCredential)
    }

    /// The key requests are signed with (only ever passed to the signer, never logged).
    var signingKey: String { secret.current.reveal() }
    /// Every key an answer or notification may be signed with: the current one and, during a rotation, the next.
    var verificationKeys: [String] { secret.verificationValues.map { $0.reveal() } }
}
"""#)
}
