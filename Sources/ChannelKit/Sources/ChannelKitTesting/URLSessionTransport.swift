import ChannelKit
import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// An ``ChannelKit/HTTPTransport`` over Foundation's `URLSession`, for driving a real bank (a simulator on
/// loopback) from a test, the way the gateway's own transport would.
///
/// Errors are mapped to ``ChannelKit/TransportError`` kinds conservatively — when in doubt, the request may
/// have been sent:
/// - no connection could be made (refused, unknown host, no network): ``ChannelKit/TransportError/Kind/notSent``;
/// - a time-out: ``ChannelKit/TransportError/Kind/timedOut`` (URLSession cannot tell a connect time-out from one
///   after sending, so it is never `notSent`);
/// - the connection lost, or any other failure: ``ChannelKit/TransportError/Kind/connectionLost``;
/// - an answer that is not HTTP or cannot be parsed: ``ChannelKit/TransportError/Kind/invalidResponse``;
/// - a download's file that cannot be written: ``ChannelKit/TransportError/Kind/fileError``.
///
/// Redirects are not followed; cookies and caches are off.
public final class URLSessionTransport: HTTPTransport, @unchecked Sendable {
    private let session: URLSession
    private let requestTimeout: Duration
    private let delegate: NoRedirects

    /// Creates a transport whose requests time out after `requestTimeout` unless a request says otherwise.
    public init(requestTimeout: Duration = .seconds(10)) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieStorage = nil
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.timeoutIntervalForRequest = Self.seconds(requestTimeout)
        configuration.timeoutIntervalForResource = max(Self.seconds(requestTimeout), 300)
        delegate = NoRedirects()
        session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
        self.requestTimeout = requestTimeout
    }

    deinit {
        session.finishTasksAndInvalidate()
    }

    /// Sends the request and returns the whole answer.
    public func execute(_ request: HTTPRequestMessage) async throws -> HTTPResponseMessage {
        let urlRequest = makeRequest(request)
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponseMessage, any Error>) in
            let task = session.dataTask(with: urlRequest) { data, response, error in
                continuation.resume(with: Self.result(data: data ?? Data(), response: response, error: error))
            }
            task.resume()
        }
    }

    /// Downloads the answer's body into `file` and returns the answer with an empty body.
    public func download(_ request: HTTPRequestMessage, to file: URL) async throws -> HTTPResponseMessage {
        let urlRequest = makeRequest(request)
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponseMessage, any Error>) in
            let task = session.downloadTask(with: urlRequest) { location, response, error in
                var result = Self.result(data: Data(), response: response, error: error)
                if case .success = result {
                    do {
                        if FileManager.default.fileExists(atPath: file.path) {
                            try FileManager.default.removeItem(at: file)
                        }
                        if let location {
                            try FileManager.default.moveItem(at: location, to: file)
                        } else {
                            try Data().write(to: file)
                        }
                    } catch {
                        result = .failure(TransportError(.fileError, "cannot write \(file.lastPathComponent): \(error.localizedDescription)"))
                    }
                }
                continuation.resume(with: result)
            }
            task.resume()
        }
    }

    private func makeRequest(_ request: HTTPRequestMessage) -> URLRequest {
        var urlRequest = URLRequest(url: request.url)
        urlRequest.httpMethod = request.method
        urlRequest.timeoutInterval = Self.seconds(request.timeout ?? requestTimeout)
        for field in request.headers {
            urlRequest.addValue(field.value, forHTTPHeaderField: field.name)
        }
        if !request.body.isEmpty || request.method != "GET" {
            urlRequest.httpBody = request.body
        }
        return urlRequest
    }

    private static func result(data: Data, response: URLResponse?, error: (any Error)?) -> Result<HTTPResponseMessage, any Error> {
        if let error {
            return .failure(map(error))
        }
        guard let http = response as? HTTPURLResponse else {
            return .failure(TransportError(.invalidResponse, "the answer is not HTTP"))
        }
        var headers: [HTTPHeaderField] = []
        for (name, value) in http.allHeaderFields {
            headers.append(HTTPHeaderField(String(describing: name), String(describing: value)))
        }
        return .success(HTTPResponseMessage(status: http.statusCode, headers: headers, body: data))
    }

    /// The ``ChannelKit/TransportError`` for a URLSession error.
    static func map(_ error: any Error) -> TransportError {
        guard let urlError = error as? URLError else {
            return TransportError(.connectionLost, "request failed: \(error.localizedDescription)")
        }
        let text = "\(urlError.code.rawValue) \(urlError.localizedDescription)"
        switch urlError.code {
        case .cannotConnectToHost, .cannotFindHost, .dnsLookupFailed, .notConnectedToInternet, .unsupportedURL,
            .badURL, .secureConnectionFailed, .appTransportSecurityRequiresSecureConnection:
            return TransportError(.notSent, "could not connect: \(text)")
        case .timedOut:
            return TransportError(.timedOut, "timed out: \(text)")
        case .badServerResponse, .cannotParseResponse, .cannotDecodeRawData, .cannotDecodeContentData,
            .dataLengthExceedsMaximum, .zeroByteResource, .httpTooManyRedirects, .redirectToNonExistentLocation:
            return TransportError(.invalidResponse, "unreadable answer: \(text)")
        case .cannotCreateFile, .cannotOpenFile, .cannotWriteToFile, .cannotMoveFile, .cannotRemoveFile,
            .cannotCloseFile:
            return TransportError(.fileError, "download file: \(text)")
        default:
            return TransportError(.connectionLost, "connection failed: \(text)")
        }
    }

    static func seconds(_ duration: Duration) -> TimeInterval {
        let (seconds, attoseconds) = duration.components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}

/// Refuses every redirect: the channel sees the 3xx itself.
private final class NoRedirects: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }
}
