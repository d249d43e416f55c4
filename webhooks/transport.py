"""One signed POST, standard library only.

- No redirects followed (a 3xx is a failed attempt): a receiver cannot bounce us elsewhere.
- No proxy from the environment; a short timeout on connect and on every read.
- The host name is resolved once, checked (no loopback/private addresses unless the deployment
  allows them) and the connection goes to that very address, so DNS cannot switch it in between;
  TLS still verifies the certificate against the host name."""
import http.client
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from .validators import address_is_public

RESPONSE_EXCERPT_BYTES = 512


@dataclass(frozen=True)
class SendResult:
    status: int | None
    latency_ms: int
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class BlockedAddress(Exception):
    pass


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, *, ip: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._ip = ip

    def connect(self) -> None:
        self.sock = socket.create_connection((self._ip, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, *, ip: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._ip = ip

    def connect(self) -> None:
        sock = socket.create_connection((self._ip, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _resolve(host: str, port: int, *, allow_private: bool) -> str:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise OSError(f"cannot resolve {host}")
    if not allow_private and not all(address_is_public(a) for a in addresses):
        raise BlockedAddress(f"{host} resolves to a non-public address")
    return addresses[0]


def _clip(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def http_post(url: str, body: bytes, headers: dict[str, str], *, timeout: float, allow_private: bool) -> SendResult:
    parts = urlsplit(url)
    https = parts.scheme.lower() == "https"
    host = parts.hostname or ""
    port = parts.port or (443 if https else 80)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        ip = _resolve(host, port, allow_private=allow_private)
        cls = _PinnedHTTPSConnection if https else _PinnedHTTPConnection
        conn = cls(host, port, ip=ip, timeout=timeout)
        try:
            conn.request("POST", target, body=body, headers={**headers, "Content-Length": str(len(body))})
            response = conn.getresponse()
            excerpt = response.read(RESPONSE_EXCERPT_BYTES)
        finally:
            conn.close()
    except BlockedAddress as exc:
        return SendResult(None, elapsed(), _clip(f"blocked: {exc}"))
    except (OSError, http.client.HTTPException, ValueError) as exc:
        return SendResult(None, elapsed(), _clip(f"{type(exc).__name__}: {exc}"))
    status = response.status
    if 200 <= status < 300:
        return SendResult(status, elapsed())
    text = excerpt.decode("utf-8", errors="replace").strip()
    return SendResult(status, elapsed(), _clip(f"HTTP {status}" + (f": {text}" if text else "")))
