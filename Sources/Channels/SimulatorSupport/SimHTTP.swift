import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle

/// Answers every simulator gives the same way: plain-text errors, a held answer, a corrupted signature.
public enum SimHTTP {
    /// A `text/plain` answer (a 5xx fault, an unavailable service).
    public static func plainText(_ status: HTTPResponse.Status, _ text: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text + "\n")))
    }

    /// An answer of `contentType` with these bytes.
    public static func bytes(_ body: some Sequence<UInt8>, contentType: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// HTTP 503 `service unavailable`.
    public static func unavailable() -> Response {
        plainText(.serviceUnavailable, "service unavailable")
    }

    /// Waits `milliseconds` (a timeout or slow fault), ending early on graceful shutdown.
    public static func hold(milliseconds: Int) async {
        guard milliseconds > 0 else { return }
        await cancelWhenGracefulShutdown {
            try? await Task.sleep(nanoseconds: UInt64(milliseconds) * 1_000_000)
        }
    }

    /// A signature with its first character changed: same length and alphabet, never valid.
    public static func corrupted(_ signature: String) -> String {
        guard let first = signature.first else { return "0" }
        return (first == "0" ? "1" : "0") + signature.dropFirst()
    }
}
