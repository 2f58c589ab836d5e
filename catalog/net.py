"""The one SSRF-safe HTTP client of the project (design.md §8): every server-side fetch uses `fetch()`.

Rules: http/https only; the host is resolved once and *every* address is checked (loopback, private,
link-local — which holds the cloud metadata address —, multicast, reserved, unspecified and any
other non-global address are refused unless inside settings.OUTBOUND_FETCH_ALLOWED_NETWORKS); the
socket connects to the checked address itself (no second DNS lookup that a rebinding resolver could
answer differently); TLS still verifies the certificate against the host name; every redirect is
checked again (at most 5); proxy environment variables are never read (http.client has no proxy
support); connect, per-read and total time are capped; the *decoded* body is capped (a gzip bomb
stops at the cap, not when memory runs out).

Built on the standard library (http.client, ssl, zlib) so that nothing else decides where to connect.
"""

import http.client
import ipaddress
import json
import socket
import ssl
import time
import zlib
from dataclasses import dataclass, field
from email.message import Message
from urllib.parse import urlencode, urljoin, urlsplit

from django.conf import settings

__all__ = [
    "ConnectError",
    "FetchError",
    "FetchTimeout",
    "ForbiddenAddress",
    "HTTPStatusError",
    "InvalidResponse",
    "InvalidURL",
    "Response",
    "ResponseTooLarge",
    "TooManyRedirects",
    "check_url",
    "fetch",
]

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_READ_TIMEOUT = 30.0
DEFAULT_TOTAL_TIMEOUT = 120.0
MAX_REDIRECTS = 5
USER_AGENT = "Twinport/1.0 (+harvester; https://github.com/twinport)"
_REDIRECTS = {301, 302, 303, 307, 308}
_CHUNK = 64 * 1024
# Addresses that are metadata services although some are "global" by IANA's tables.
_METADATA_ADDRESSES = {
    ipaddress.ip_address("169.254.169.254"),
    ipaddress.ip_address("169.254.170.2"),
    ipaddress.ip_address("100.100.100.200"),
    ipaddress.ip_address("fd00:ec2::254"),
}


class FetchError(Exception):
    """Any failure of an outbound fetch; `url` is the URL that failed (after redirects)."""

    def __init__(self, message: str, *, url: str = ""):
        super().__init__(message)
        self.url = url


class InvalidURL(FetchError):
    """Not an absolute http(s) URL with a host (or it carries credentials)."""


class ForbiddenAddress(FetchError):
    """The host resolves to an address server-side fetches may not reach (SSRF protection)."""


class ConnectError(FetchError):
    """DNS failed, or no checked address accepted the connection, or TLS failed."""


class FetchTimeout(FetchError):
    """Connecting, a single read or the whole exchange took longer than allowed."""


class ResponseTooLarge(FetchError):
    """The (decoded) body exceeds the byte cap."""


class TooManyRedirects(FetchError):
    """More than MAX_REDIRECTS redirects, or a redirect without a Location."""


class InvalidResponse(FetchError):
    """The server's answer is not valid HTTP, or its compressed body is corrupt."""


class HTTPStatusError(FetchError):
    """The final response has a status ≥ 400."""

    def __init__(self, message: str, *, url: str = "", status: int = 0):
        super().__init__(message, url=url)
        self.status = status


@dataclass
class Response:
    url: str
    status: int
    headers: Message
    content: bytes
    redirects: list[str] = field(default_factory=list)

    @property
    def content_type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()

    @property
    def text(self) -> str:
        charset = self.headers.get_content_charset() or "utf-8"
        try:
            return self.content.decode(charset, errors="replace")
        except LookupError:
            return self.content.decode("utf-8", errors="replace")

    def json(self):
        """The body as JSON; InvalidResponse when it is not."""
        try:
            return json.loads(self.content)
        except (ValueError, RecursionError) as exc:
            raise InvalidResponse(f"invalid JSON from {self.url}: {exc}", url=self.url) from exc


# --- Address checks ---------------------------------------------------------------------------------


def _allowed_networks() -> list:
    networks = []
    for value in getattr(settings, "OUTBOUND_FETCH_ALLOWED_NETWORKS", []) or []:
        networks.append(ipaddress.ip_network(str(value).strip(), strict=False))
    return networks


def address_refusal(address: str) -> str | None:
    """Why `address` (an IP literal) may not be fetched from, or None when it may."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for network in _allowed_networks():
        if ip.version == network.version and ip in network:
            return None
    if ip in _METADATA_ADDRESSES:
        return "a cloud metadata address"
    checks = [
        ("is_loopback", "a loopback address"),
        ("is_private", "a private address"),
        ("is_link_local", "a link-local address"),
        ("is_multicast", "a multicast address"),
        ("is_reserved", "a reserved address"),
        ("is_unspecified", "an unspecified address"),
    ]
    for attribute, reason in checks:
        if getattr(ip, attribute):
            return reason
    if isinstance(ip, ipaddress.IPv6Address) and (ip.sixtofour or ip.teredo):
        return "a tunnelled IPv6 address"
    if not ip.is_global:
        return "a non-global address"
    return None


def _split(url: str) -> tuple[str, str, int]:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InvalidURL(f"invalid URL: {exc}", url=url) from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise InvalidURL("only http and https URLs may be fetched", url=url)
    if not parts.hostname:
        raise InvalidURL("the URL has no host", url=url)
    if parts.username is not None or parts.password is not None:
        raise InvalidURL("URLs with credentials are not fetched", url=url)
    return scheme, parts.hostname, port or (443 if scheme == "https" else 80)


def _resolve(host: str, port: int, url: str) -> list[tuple]:
    """getaddrinfo once; every address must pass (a mix of public and private ones is refused)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise ConnectError(f"cannot resolve {host}: {exc}", url=url) from exc
    if not infos:
        raise ConnectError(f"cannot resolve {host}", url=url)
    for _family, _type, _proto, _name, sockaddr in infos:
        reason = address_refusal(sockaddr[0])
        if reason:
            raise ForbiddenAddress(f"{host} resolves to {sockaddr[0]}, {reason}; not fetched", url=url)
    return infos


def check_url(url: str) -> None:
    """Raise a FetchError when `url` may not be fetched (scheme, credentials, address); used by forms."""
    _scheme, host, port = _split(url)
    _resolve(host, port, url)


# --- Connections to a checked address ----------------------------------------------------------------


def _open_socket(infos: list[tuple], timeout: float, url: str) -> socket.socket:
    last_error: Exception | None = None
    for family, type_, proto, _name, sockaddr in infos:
        sock = socket.socket(family, type_, proto)
        sock.settimeout(timeout)
        try:
            sock.connect(sockaddr)
            return sock
        except TimeoutError as exc:
            sock.close()
            last_error = FetchTimeout(f"connecting to {sockaddr[0]} timed out", url=url)
            last_error.__cause__ = exc
        except OSError as exc:
            sock.close()
            last_error = ConnectError(f"cannot connect to {sockaddr[0]}: {exc}", url=url)
    assert last_error is not None
    raise last_error


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTPConnection whose socket is already connected to a checked address."""

    def __init__(self, host: str, port: int, sock: socket.socket, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.sock = sock

    def connect(self) -> None:  # never called: the socket is given
        raise http.client.HTTPException("a pinned connection does not reconnect")


def _connection(scheme: str, host: str, port: int, infos, *, connect_timeout: float, url: str):
    sock = _open_socket(infos, connect_timeout, url)
    if scheme == "https":
        context = ssl.create_default_context()
        try:
            sock = context.wrap_socket(sock, server_hostname=host)
        except TimeoutError as exc:
            sock.close()
            raise FetchTimeout(f"TLS handshake with {host} timed out", url=url) from exc
        except (ssl.SSLError, OSError) as exc:
            sock.close()
            raise ConnectError(f"TLS with {host} failed: {exc}", url=url) from exc
    return _PinnedHTTPConnection(host, port, sock, connect_timeout)


class _Deadline:
    def __init__(self, seconds: float, url: str):
        self.end = time.monotonic() + seconds
        self.seconds = seconds
        self.url = url

    def remaining(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise FetchTimeout(f"the exchange took longer than {self.seconds:g} s", url=self.url)
        return left


class _Decoder:
    """Content-Encoding decoding with the output capped at `limit` bytes however small the input."""

    def __init__(self, encoding: str, limit: int, url: str):
        encoding = (encoding or "identity").strip().lower()
        self.limit = limit
        self.url = url
        self.size = 0
        if encoding in ("gzip", "x-gzip"):
            self.inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self.inflater = zlib.decompressobj(zlib.MAX_WBITS)  # zlib-wrapped; raw deflate retried below
        elif encoding in ("identity", ""):
            self.inflater = None
        else:
            raise InvalidResponse(f"unsupported Content-Encoding {encoding!r}", url=url)
        self.raw_fallback = encoding == "deflate"
        self.first = True

    def _count(self, data: bytes) -> bytes:
        self.size += len(data)
        if self.size > self.limit:
            raise ResponseTooLarge(f"the response is larger than {self.limit} bytes", url=self.url)
        return data

    def feed(self, chunk: bytes) -> bytes:
        if self.inflater is None:
            return self._count(chunk)
        out = []
        data = chunk
        try:
            while data:
                piece = self.inflater.decompress(data, self.limit - self.size + 1)
                out.append(self._count(piece))
                data = self.inflater.unconsumed_tail
                if self.inflater.eof:
                    break
        except zlib.error as exc:
            if self.raw_fallback and self.first:
                self.inflater = zlib.decompressobj(-zlib.MAX_WBITS)
                self.raw_fallback = False
                return self.feed(chunk)
            raise InvalidResponse(f"corrupt compressed body: {exc}", url=self.url) from exc
        self.first = False
        return b"".join(out)


def _read_body(response: http.client.HTTPResponse, sock, *, decoder, deadline, read_timeout, url) -> bytes:
    body = bytearray()
    while True:
        sock.settimeout(min(read_timeout, deadline.remaining()))
        try:
            chunk = response.read1(_CHUNK) if hasattr(response, "read1") else response.read(_CHUNK)
        except TimeoutError as exc:
            deadline.remaining()
            raise FetchTimeout(f"no data from the server for {read_timeout:g} s", url=url) from exc
        except (http.client.HTTPException, OSError) as exc:
            raise InvalidResponse(f"the response was cut off: {exc}", url=url) from exc
        if not chunk:
            break
        body += decoder.feed(chunk)
        deadline.remaining()
    return bytes(body)


def _one_request(
    method, url, *, headers, body, max_bytes, connect_timeout, read_timeout, deadline, read_body=True
):
    scheme, host, port = _split(url)
    infos = _resolve(host, port, url)
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection = _connection(
        scheme, host, port, infos, connect_timeout=min(connect_timeout, deadline.remaining()), url=url
    )
    # http.client drops its reference to the socket once a "Connection: close" response arrives.
    sock = connection.sock
    try:
        sock.settimeout(min(read_timeout, deadline.remaining()))
        host_header = host if ":" not in host else f"[{host}]"
        default_port = 443 if scheme == "https" else 80
        if port != default_port:
            host_header += f":{port}"
        all_headers = {
            "Host": host_header,
            "User-Agent": USER_AGENT,
            "Accept-Encoding": "gzip, deflate",
            "Connection": "close",
            **(headers or {}),
        }
        if body is not None:
            # putrequest/endheaders do not add it: without it the server reads an empty body.
            all_headers.setdefault("Content-Length", str(len(body)))
        try:
            connection.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
            for name, value in all_headers.items():
                connection.putheader(name, value)
            connection.endheaders(body)
            response = connection.getresponse()
        except TimeoutError as exc:
            deadline.remaining()
            raise FetchTimeout(f"no answer from {host} within {read_timeout:g} s", url=url) from exc
        except (http.client.HTTPException, OSError) as exc:
            raise InvalidResponse(f"invalid HTTP answer from {host}: {exc}", url=url) from exc
        if response.status in _REDIRECTS:
            return response.status, response.headers, b""
        if method == "HEAD" or not read_body:
            # Only the status and headers are wanted (link checks): no body, so no size cap applies.
            return response.status, response.headers, b""
        length = response.headers.get("Content-Length")
        encoding = response.headers.get("Content-Encoding", "")
        if length and length.isdigit() and not encoding and int(length) > max_bytes:
            raise ResponseTooLarge(f"the response is larger than {max_bytes} bytes", url=url)
        decoder = _Decoder(encoding, max_bytes, url)
        content = _read_body(
            response, sock, decoder=decoder, deadline=deadline, read_timeout=read_timeout, url=url
        )
        return response.status, response.headers, content
    finally:
        connection.close()
        sock.close()


def fetch(
    url: str,
    *,
    method: str = "GET",
    params: dict | None = None,
    headers: dict | None = None,
    data: bytes | None = None,
    json_body=None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
    read_timeout: float = DEFAULT_READ_TIMEOUT,
    total_timeout: float = DEFAULT_TOTAL_TIMEOUT,
    max_redirects: int = MAX_REDIRECTS,
    raise_for_status: bool = True,
    read_body: bool = True,
) -> Response:
    """Fetch `url` under the SSRF rules and caps of this module; a FetchError subclass on any failure.

    `params` are appended to the query string; `json_body` is sent as JSON (POST). Redirects are
    followed (each target checked again); 303 — and 301/302 after a POST — continue as GET.
    `read_body=False` stops after the final response's headers (content stays empty), as HEAD does.
    """
    method = method.upper()
    headers = dict(headers or {})
    if json_body is not None:
        data = json.dumps(json_body).encode()
        headers.setdefault("Content-Type", "application/json")
    if params:
        url = url + ("&" if urlsplit(url).query else "?") + urlencode(params, doseq=True)
    deadline = _Deadline(total_timeout, url)
    redirects: list[str] = []
    while True:
        status, response_headers, content = _one_request(
            method,
            url,
            headers=headers,
            body=data,
            max_bytes=max_bytes,
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            deadline=deadline,
            read_body=read_body,
        )
        if status not in _REDIRECTS:
            break
        location = response_headers.get("Location")
        if not location:
            raise TooManyRedirects(f"redirect {status} without a Location", url=url)
        if len(redirects) >= max_redirects:
            raise TooManyRedirects(f"more than {max_redirects} redirects", url=url)
        redirects.append(url)
        url = urljoin(url, location.strip())
        deadline.url = url
        if status == 303 or (status in (301, 302) and method == "POST"):
            method, data = "GET", None
            headers.pop("Content-Type", None)
    response = Response(
        url=url, status=status, headers=response_headers, content=content, redirects=redirects
    )
    if raise_for_status and status >= 400:
        raise HTTPStatusError(f"HTTP {status} from {url}", url=url, status=status)
    return response
