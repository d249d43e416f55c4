"""A local stand-in for Alibaba Cloud's SMS endpoint: http.server on 127.0.0.1, a random port, a thread.

It checks each SendSms request as the real service does — the RPC signature (HMAC-SHA1 of the sorted,
percent-encoded query with the secret + "&", computed here independently of progress/aliyun.py), the
fixed parameters, a fresh nonce, a UTC timestamp, JSON in TemplateParam — and answers OK with a BizId.
`fail_next(...)` queues failures (an HTTP 500, a throttling code, a permanent code) answered first."""
import base64
import hashlib
import hmac
import json
import threading
from collections import deque
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, urlsplit

KEY_ID, SECRET = "LTAI-test-key", "test-secret-0123"


def _expected_signature(params: dict[str, str]) -> str:
    enc = lambda s: quote(s, safe="~")  # noqa: E731 — the document's percentEncode
    canonical = "&".join(f"{enc(k)}={enc(v)}" for k, v in sorted(params.items()) if k != "Signature")
    to_sign = "GET&%2F&" + enc(canonical)
    return base64.b64encode(hmac.new(f"{SECRET}&".encode(), to_sign.encode(), hashlib.sha1).digest()).decode()


class FakeAliyunSms:
    def __init__(self):
        self.requests: list[dict[str, str]] = []  # every request's query, as received
        self.accepted: list[dict[str, str]] = []  # those answered OK
        self.problems: list[str] = []  # what the checks found wrong
        self._failures: deque = deque()
        self._nonces: set[str] = set()
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 — http.server's name
                status, body = fake._answer(dict(parse_qsl(urlsplit(self.path).query, keep_blank_values=True)))
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json;charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):  # keep the test output clean
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> "FakeAliyunSms":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fail_next(self, times: int = 1, *, status: int = 500, code: str = "InternalError") -> None:
        for _ in range(times):
            self._failures.append((status, code))

    def _check(self, q: dict[str, str]) -> list[str]:
        wrong = [f"{k}={q.get(k)!r}" for k, v in {
            "Action": "SendSms", "Version": "2017-05-25", "Format": "JSON", "SignatureMethod": "HMAC-SHA1",
            "SignatureVersion": "1.0", "AccessKeyId": KEY_ID}.items() if q.get(k) != v]
        for k in ("PhoneNumbers", "SignName", "TemplateCode", "SignatureNonce", "RegionId"):
            if not q.get(k):
                wrong.append(f"{k} missing")
        try:
            at = datetime.strptime(q.get("Timestamp", ""), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
            if abs((datetime.now(UTC) - at).total_seconds()) > 900:
                wrong.append("Timestamp outside 15 minutes")
        except ValueError:
            wrong.append("Timestamp not ISO 8601 UTC")
        try:
            json.loads(q.get("TemplateParam", "{}"))
        except ValueError:
            wrong.append("TemplateParam not JSON")
        if q.get("SignatureNonce") in self._nonces:
            wrong.append("SignatureNonce reused")
        if q.get("Signature") != _expected_signature(q):
            wrong.append("Signature does not match")
        return wrong

    def _answer(self, q: dict[str, str]) -> tuple[int, dict]:
        with self._lock:
            self.requests.append(q)
            wrong = self._check(q)
            self._nonces.add(q.get("SignatureNonce", ""))
            request_id = f"REQ-{len(self.requests)}"
            if wrong:
                self.problems.extend(wrong)
                code = "SignatureDoesNotMatch" if "Signature does not match" in wrong else "MissingParameter"
                return 400, {"Code": code, "Message": "; ".join(wrong), "RequestId": request_id}
            if self._failures:
                status, code = self._failures.popleft()
                return status, {"Code": code, "Message": f"fake failure {code}", "RequestId": request_id}
            self.accepted.append(q)
            return 200, {"Code": "OK", "Message": "OK", "BizId": f"BIZ{len(self.accepted):06d}^0",
                         "RequestId": request_id}
