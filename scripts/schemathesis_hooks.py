"""Schemathesis hooks that sign merchant API requests (docs/MERCHANT-AUTH.md).

Used by Tests/GatewayHostTests/SchemathesisTests.swift through SCHEMATHESIS_HOOKS=<path of this file>:

    GATEWAY_SCHEMATHESIS_MERCHANT_ID   the merchant id (X-Merchant-Id)
    GATEWAY_SCHEMATHESIS_SECRET_ENV    the name of the environment variable that holds its secret
    GATEWAY_SCHEMATHESIS_REPORT        a file that receives one JSON line per request sent (optional)

The signature covers the exact bytes that go on the wire, so it is computed as a `requests` auth, which
runs after the body is serialized and the URL is final: the target is `PreparedRequest.path_url` (the
request line's path plus `?query`) and the body is `PreparedRequest.body`. Every send, including a resend
after a dropped connection, is signed anew with a fresh timestamp and nonce.

Cases whose authentication schemathesis mutates on purpose (negative testing of the security headers) are
sent unsigned, as are its `ignored_auth` probes; the check `merchant_signature_accepted` fails any signed
request the gateway answers with 401, so authentication failures are never counted as a pass.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import threading
import time
import uuid

import requests.auth
import schemathesis

MERCHANT_ID = os.environ["GATEWAY_SCHEMATHESIS_MERCHANT_ID"]
_SECRET = os.environ[os.environ["GATEWAY_SCHEMATHESIS_SECRET_ENV"]].encode()
_REPORT = os.environ.get("GATEWAY_SCHEMATHESIS_REPORT")
_REPORT_LOCK = threading.Lock()


def sign(method: str, target: str, timestamp: str, nonce: str, body: bytes) -> str:
    """Lowercase hex HMAC-SHA256(secret, METHOD\\nTARGET\\nTIMESTAMP\\nNONCE\\nhex(SHA256(BODY)))."""
    text = "\n".join([method, target, timestamp, nonce, hashlib.sha256(body).hexdigest()])
    return hmac.new(_SECRET, text.encode(), hashlib.sha256).hexdigest()


class MerchantSignature(requests.auth.AuthBase):
    """Adds X-Merchant-Id, X-Timestamp, X-Nonce and X-Signature to a prepared request."""

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        body = request.body
        if body is None:
            body = b""
        elif isinstance(body, str):
            # Send exactly the bytes that are signed; requests recomputes Content-Length after auth.
            body = body.encode("utf-8")
            request.body = body
        elif not isinstance(body, bytes):
            raise TypeError(f"cannot sign a streamed body ({type(body).__name__})")
        timestamp = str(int(time.time() * 1000))
        nonce = uuid.uuid4().hex
        request.headers["X-Merchant-Id"] = MERCHANT_ID
        request.headers["X-Timestamp"] = timestamp
        request.headers["X-Nonce"] = nonce
        request.headers["X-Signature"] = sign(request.method, request.path_url, timestamp, nonce, body)
        return request


SIGNER = MerchantSignature()

# Every merchant API operation is signed; bank notifications are authenticated by their channel instead.
schemathesis.auth.set_from_requests(SIGNER).skip_for(path="/v1/notify/{channel}")


def _is_signed(case) -> bool:
    return case._auth is SIGNER


def _error(response) -> tuple[str, str]:
    """`(code, message)` of a JSON error answer, else empty strings."""
    try:
        error = json.loads(response.content)["error"]
        return str(error["code"]), str(error["message"])[:200]
    except Exception:
        return "", ""


def _error_code(response) -> str:
    return _error(response)[0]


def _mode(case) -> str:
    """`positive` or `negative` (schemathesis' generation mode), when known."""
    try:
        return str(case.meta.generation.mode.value)
    except Exception:
        return ""


@schemathesis.check
def merchant_signature_accepted(ctx, response, case):
    """A signed request must never be refused as unauthenticated."""
    if _is_signed(case) and response.status_code == 401:
        raise AssertionError(
            f"the gateway refused a signed request with 401 {_error_code(response) or '(no code)'}: "
            f"{response.content[:300]!r}"
        )


@schemathesis.hook
def after_call(context, case, response):
    """Appends {operation, mode, status, signed, code, message} to the report file, for the Swift test."""
    if not _REPORT:
        return
    code, message = _error(response) if response.status_code >= 400 else ("", "")
    line = json.dumps(
        {
            "operation": f"{case.method.upper()} {case.path}",
            "mode": _mode(case),
            "status": response.status_code,
            "signed": _is_signed(case),
            "code": code,
            "message": message,
        }
    )
    with _REPORT_LOCK, open(_REPORT, "a", encoding="utf-8") as report:
        report.write(line + "\n")
