import ArgumentParser

/// The example bank's protocol style: what the generated wire format and simulator speak.
enum ScaffoldStyle: String, CaseIterable, ExpressibleByArgument, Sendable {
    /// JSON bodies, an HMAC-SHA256 signature header.
    case json
    /// Form-encoded bodies with a `sign` field (HMAC-SHA256 over the sorted fields).
    case form
    /// A small XML envelope with an HMAC-SHA256 `Signature` over its `Body`.
    case xml

    /// One line for the README and the command's summary.
    var summary: String {
        switch self {
        case .json: "JSON bodies signed with HMAC-SHA256 in the X-<Module>-Signature header"
        case .form: "form-encoded bodies with a sign field: HMAC-SHA256 of the fields sorted by name"
        case .xml: "a small XML envelope whose Signature is the HMAC-SHA256 of its Body element"
        }
    }
}
