import Crypto

/// The Minbei signature (document v3.1, "Signing"): every field but `sign` and `sign_type`, empty values
/// dropped, sorted by name in byte order, joined as `name=value` with `&` (raw values), `&key=` and the shared
/// key appended, the whole string in GBK, MD5, uppercase hex. The same both ways.
public struct MinbeiSigner: Sendable {
    private let key: String

    public init(key: String) {
        self.key = key
    }

    /// The string the signature covers, before `&key=…`.
    public static func stringToSign(_ form: MinbeiForm) -> String {
        form.fields
            .filter { $0.name != MinbeiField.sign && $0.name != MinbeiField.signType && !$0.value.isEmpty }
            .sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
            .map { "\($0.name)=\($0.value)" }
            .joined(separator: "&")
    }

    /// The `sign` of `form`; `nil` when its text holds a character outside GBK.
    public func signature(_ form: MinbeiForm) -> String? {
        guard let bytes = GBK.encode(Self.stringToSign(form) + "&key=" + key) else { return nil }
        let hex = Array("0123456789ABCDEF".utf8)
        var text: [UInt8] = []
        for byte in Insecure.MD5.hash(data: bytes) {
            text.append(hex[Int(byte >> 4)])
            text.append(hex[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// `form` with `sign_type=MD5` and its `sign` set (replacing any there were); `nil` as `signature`.
    public func signed(_ form: MinbeiForm) -> MinbeiForm? {
        var fields = form.fields.filter { $0.name != MinbeiField.sign && $0.name != MinbeiField.signType }
        fields.append((MinbeiField.signType, MinbeiField.md5))
        guard let sign = signature(MinbeiForm(fields)) else { return nil }
        fields.append((MinbeiField.sign, sign))
        return MinbeiForm(fields)
    }

    /// Whether `form` carries `sign_type=MD5` and the right `sign` (compared in constant time).
    public func verify(_ form: MinbeiForm) -> Bool {
        guard form[MinbeiField.signType] == MinbeiField.md5, let given = form[MinbeiField.sign],
            let expected = signature(form)
        else { return false }
        let a = Array(given.utf8)
        let b = Array(expected.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
