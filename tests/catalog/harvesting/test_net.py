"""catalog.net: the SSRF-safe client — address rules, redirects, size and time caps, gzip bombs."""

import gzip
import socket
import threading
import time
import zlib

import pytest
from werkzeug import Response as WerkzeugResponse

from catalog import net


@pytest.fixture
def no_allowance(settings):
    """Production rules: nothing is exempt from the address checks."""
    settings.OUTBOUND_FETCH_ALLOWED_NETWORKS = []


def _resolving_to(monkeypatch, *addresses):
    """getaddrinfo answers `addresses` for every host (no network needed)."""
    calls = []

    def fake(host, port, *args, **kwargs):
        calls.append(host)
        infos = []
        for address in addresses:
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            sockaddr = (address, port, 0, 0) if family == socket.AF_INET6 else (address, port)
            infos.append((family, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", sockaddr))
        return infos

    monkeypatch.setattr(net.socket, "getaddrinfo", fake)
    return calls


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.1.2.3",
        "::1",
        "10.0.0.5",
        "172.16.3.4",
        "192.168.1.1",
        "169.254.169.254",  # AWS / GCP / Azure metadata
        "100.100.100.200",  # Alibaba metadata (shared address space)
        "fd00:ec2::254",  # AWS IPv6 metadata
        "fe80::1",
        "224.0.0.1",
        "ff02::1",
        "0.0.0.0",  # noqa: S104 — the unspecified address, refused
        "240.0.0.1",
        "::ffff:127.0.0.1",  # IPv4-mapped loopback
        "100.64.0.1",
    ],
)
def test_forbidden_addresses_are_refused_without_connecting(no_allowance, monkeypatch, address):
    _resolving_to(monkeypatch, address)
    monkeypatch.setattr(net, "_open_socket", lambda *a, **k: pytest.fail("must not connect"))
    with pytest.raises(net.ForbiddenAddress):
        net.fetch("http://innocent.example/data.json")
    with pytest.raises(net.ForbiddenAddress):
        net.check_url("https://innocent.example/")


def test_a_public_address_passes_the_check(no_allowance, monkeypatch):
    _resolving_to(monkeypatch, "93.184.216.34", "2606:2800:220:1::1")
    net.check_url("https://example.org/catalog.ttl")


def test_one_private_address_among_public_ones_is_refused(no_allowance, monkeypatch):
    _resolving_to(monkeypatch, "93.184.216.34", "10.1.2.3")
    with pytest.raises(net.ForbiddenAddress):
        net.check_url("https://example.org/")


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.org/x",
        "gopher://example.org/",
        "http:///nohost",
        "https://u:p@x.org/",
    ],
)
def test_only_plain_http_urls(url):
    with pytest.raises(net.InvalidURL):
        net.fetch(url)


def test_allowed_networks_exempt_loopback(settings, httpserver):
    settings.OUTBOUND_FETCH_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    httpserver.expect_request("/ok").respond_with_json({"ok": True})
    assert net.fetch(httpserver.url_for("/ok")).json() == {"ok": True}
    settings.OUTBOUND_FETCH_ALLOWED_NETWORKS = []
    with pytest.raises(net.ForbiddenAddress):
        net.fetch(httpserver.url_for("/ok"))


def test_connects_to_the_checked_address_without_a_second_lookup(monkeypatch, httpserver):
    """A rebinding resolver cannot swap the address between the check and the connection."""
    httpserver.expect_request("/pinned").respond_with_data("pinned")
    calls = _resolving_to(monkeypatch, "127.0.0.1")
    response = net.fetch(f"http://twin.example:{httpserver.port}/pinned")
    assert response.content == b"pinned"
    assert calls == ["twin.example"]
    assert httpserver.log[0][0].headers["Host"] == f"twin.example:{httpserver.port}"


def test_proxy_environment_is_ignored(monkeypatch, httpserver):
    monkeypatch.setenv("http_proxy", "http://10.9.9.9:3128")
    monkeypatch.setenv("HTTP_PROXY", "http://10.9.9.9:3128")
    httpserver.expect_request("/direct").respond_with_data("direct")
    assert net.fetch(httpserver.url_for("/direct")).text == "direct"


def test_query_params_and_json(httpserver):
    httpserver.expect_request("/api", query_string={"q": "a b", "rows": "10"}).respond_with_json({"n": 1})
    assert net.fetch(httpserver.url_for("/api"), params={"q": "a b", "rows": 10}).json() == {"n": 1}


def test_invalid_json_is_a_clear_error(httpserver):
    httpserver.expect_request("/bad").respond_with_data("{not json", content_type="application/json")
    with pytest.raises(net.InvalidResponse, match="invalid JSON"):
        net.fetch(httpserver.url_for("/bad")).json()


def test_error_status(httpserver):
    httpserver.expect_request("/boom").respond_with_data("oops", status=500)
    with pytest.raises(net.HTTPStatusError) as error:
        net.fetch(httpserver.url_for("/boom"))
    assert error.value.status == 500
    assert net.fetch(httpserver.url_for("/boom"), raise_for_status=False).status == 500


def test_redirects_are_followed_and_rechecked(settings, httpserver):
    httpserver.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data("", status=301, headers={"Location": "/c"})
    httpserver.expect_request("/c").respond_with_data("final")
    response = net.fetch(httpserver.url_for("/a"))
    assert response.content == b"final"
    assert response.url.endswith("/c")
    assert len(response.redirects) == 2


def test_redirect_to_a_forbidden_address_is_refused(settings, httpserver):
    settings.OUTBOUND_FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    httpserver.expect_request("/go").respond_with_data(
        "", status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}
    )
    with pytest.raises(net.ForbiddenAddress) as error:
        net.fetch(httpserver.url_for("/go"))
    assert "169.254.169.254" in str(error.value)


def test_redirect_to_another_scheme_is_refused(httpserver):
    httpserver.expect_request("/go").respond_with_data(
        "", status=302, headers={"Location": "file:///etc/passwd"}
    )
    with pytest.raises(net.InvalidURL):
        net.fetch(httpserver.url_for("/go"))


def test_redirect_loop_stops_after_five(httpserver):
    httpserver.expect_request("/loop").respond_with_data("", status=302, headers={"Location": "/loop"})
    with pytest.raises(net.TooManyRedirects):
        net.fetch(httpserver.url_for("/loop"))
    assert len(httpserver.log) == 6


def test_size_cap_by_content_length_and_by_stream(httpserver):
    httpserver.expect_request("/big").respond_with_data(b"x" * 5000)
    with pytest.raises(net.ResponseTooLarge):
        net.fetch(httpserver.url_for("/big"), max_bytes=1000)

    def streamed(_request):
        return WerkzeugResponse((b"y" * 1000 for _ in range(50)), mimetype="text/plain")  # chunked

    httpserver.expect_request("/stream").respond_with_handler(streamed)
    with pytest.raises(net.ResponseTooLarge):
        net.fetch(httpserver.url_for("/stream"), max_bytes=10_000)
    assert len(net.fetch(httpserver.url_for("/stream"), max_bytes=60_000).content) == 50_000


def test_gzip_is_decoded(httpserver):
    httpserver.expect_request("/gz").respond_with_data(
        gzip.compress(b'{"a": 1}'), headers={"Content-Encoding": "gzip"}, content_type="application/json"
    )
    assert net.fetch(httpserver.url_for("/gz")).json() == {"a": 1}
    httpserver.expect_request("/deflate").respond_with_data(
        zlib.compress(b"plain"), headers={"Content-Encoding": "deflate"}
    )
    assert net.fetch(httpserver.url_for("/deflate")).content == b"plain"


def test_gzip_bomb_stops_at_the_decoded_cap(httpserver):
    bomb = gzip.compress(b"\0" * (200 * 1024 * 1024), compresslevel=9)  # 200 MB → ~200 kB
    assert len(bomb) < 400_000
    httpserver.expect_request("/bomb").respond_with_data(bomb, headers={"Content-Encoding": "gzip"})
    started = time.monotonic()
    with pytest.raises(net.ResponseTooLarge):
        net.fetch(httpserver.url_for("/bomb"), max_bytes=5 * 1024 * 1024)
    assert time.monotonic() - started < 5


def test_corrupt_gzip(httpserver):
    httpserver.expect_request("/corrupt").respond_with_data(
        b"not gzip at all", headers={"Content-Encoding": "gzip"}
    )
    with pytest.raises(net.InvalidResponse):
        net.fetch(httpserver.url_for("/corrupt"))


@pytest.fixture
def slow_server():
    """A raw TCP server on loopback: answers headers, then drips one byte every 0.2 s (slow-loris)."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    stop = threading.Event()
    mode = {"silent": False}

    def serve():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            with conn:
                conn.recv(65536)
                if mode["silent"]:
                    stop.wait(5)
                    continue
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
                for _ in range(100):
                    if stop.is_set():
                        break
                    try:
                        conn.sendall(b"x")
                    except OSError:
                        break
                    time.sleep(0.2)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1], mode
    stop.set()
    thread.join(timeout=5)
    listener.close()


def test_slow_loris_hits_the_total_time_cap(slow_server):
    port, _mode = slow_server
    started = time.monotonic()
    with pytest.raises(net.FetchTimeout):
        net.fetch(f"http://127.0.0.1:{port}/", read_timeout=1, total_timeout=1.0)
    assert time.monotonic() - started < 3


def test_silent_server_hits_the_read_timeout(slow_server):
    port, mode = slow_server
    mode["silent"] = True
    started = time.monotonic()
    with pytest.raises(net.FetchTimeout):
        net.fetch(f"http://127.0.0.1:{port}/", read_timeout=0.5, total_timeout=10)
    assert time.monotonic() - started < 3


def test_connection_refused_is_a_connect_error():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    with pytest.raises(net.ConnectError):
        net.fetch(f"http://127.0.0.1:{port}/")


def test_all_errors_share_one_base():
    for cls in (
        net.InvalidURL,
        net.ForbiddenAddress,
        net.ConnectError,
        net.FetchTimeout,
        net.ResponseTooLarge,
        net.TooManyRedirects,
        net.InvalidResponse,
        net.HTTPStatusError,
    ):
        assert issubclass(cls, net.FetchError)


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory):
    """A self-signed certificate for "localhost" (openssl CLI), for an HTTPS test server."""
    import shutil
    import subprocess

    if shutil.which("openssl") is None:
        pytest.skip("openssl not installed")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def https_server(tls_files):
    """A stdlib HTTPS server on loopback (handshakes in the handler threads, so a refused handshake
    cannot block the accept loop); answers "secret" to every GET."""
    import http.server
    import ssl

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Length", "6")
            self.end_headers()
            self.wfile.write(b"secret")

        def log_message(self, *args):
            pass

    cert, key = tls_files
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://localhost:{server.server_address[1]}/secure"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_https_verifies_the_certificate_against_the_host_name(https_server, tls_files, monkeypatch):
    import ssl

    url = https_server
    with pytest.raises(net.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        net.fetch(url, total_timeout=5)  # self-signed: not trusted

    cert, _key = tls_files
    trusting = ssl.create_default_context(cafile=str(cert))
    monkeypatch.setattr(net.ssl, "create_default_context", lambda: trusting)
    assert net.fetch(url, total_timeout=5).content == b"secret"
    _resolving_to(monkeypatch, "127.0.0.1")
    with pytest.raises(net.ConnectError, match="TLS"):
        net.fetch(
            url.replace("localhost", "other.example"), total_timeout=5
        )  # the certificate is for localhost


def test_a_json_body_arrives_whole(httpserver):
    """The body is announced with its Content-Length (a server would otherwise read nothing)."""
    httpserver.expect_request("/hook", method="POST", json={"event": "changed", "n": 1}).respond_with_data(
        "ok"
    )
    response = net.fetch(httpserver.url_for("/hook"), method="POST", json_body={"event": "changed", "n": 1})
    assert response.status == 200
    assert httpserver.log[0][0].headers["Content-Length"] == str(len(b'{"event": "changed", "n": 1}'))
