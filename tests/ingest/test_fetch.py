"""The fetcher against a real local HTTP server. Nothing here touches the internet."""

from __future__ import annotations

import gzip
import http.server
import ipaddress
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from storyline.config import Settings
from storyline.errors import BlockedAddress, FetchError, InputTooLarge
from storyline.ingest import fetch
from storyline.ingest.fetch import Fetcher, is_blocked_ip, parse_host_ip

MAX_BYTES = 10_000
BOMB = gzip.compress(b"\0" * (4 * 1024 * 1024))  # ~4 KB on the wire, 4 MB decoded
SMALL_GZIP_TEXT = b"<html><body>" + b"compressed words " * 100 + b"</body></html>"
PAGE = b"<html><head><title>Hi</title></head><body><p>Hello</p></body></html>"


@dataclass
class Server:
    base: str
    port: int
    hits: Counter[str] = field(default_factory=Counter)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _TestHTTPServer

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass  # keep test output quiet

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None, length: bool = True) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location: str) -> None:
        self._send(302, headers={"Location": location})

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        path = self.path
        state = self.server.state
        state.hits[path] += 1
        state.headers[path] = dict(self.headers.items())
        html = {"Content-Type": "text/html; charset=utf-8"}
        if path == "/page":
            self._send(200, PAGE, html)
        elif path == "/r1":
            self._redirect("/r2")
        elif path == "/r2":
            self._redirect(f"{state.base}/page")
        elif path == "/loop":
            self._redirect("/loop")
        elif path == "/redirect-local":
            self._redirect(f"http://127.0.0.1:{state.port}/page")
        elif path == "/big":
            self._send(200, b"x" * (MAX_BYTES * 5), html)
        elif path == "/big-no-length":
            # HTTP/1.0 without Content-Length: the body runs until the connection closes.
            self._send(200, b"x" * (MAX_BYTES * 5), html, length=False)
        elif path == "/bomb":
            self._send(200, BOMB, {**html, "Content-Encoding": "gzip"})
        elif path == "/gzip":
            self._send(200, gzip.compress(SMALL_GZIP_TEXT), {**html, "Content-Encoding": "gzip"})
        elif path == "/slow":
            time.sleep(1.5)
            self._send(200, PAGE, html)
        elif path == "/trickle":
            self.send_response(200)
            self.end_headers()
            for _ in range(30):  # 3 s of one byte every 0.1 s: each read is fast, the whole is not
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.1)
        elif path == "/robots.txt":
            self._send(200, b"User-agent: *\nDisallow: /private\n", {"Content-Type": "text/plain"})
        elif path.startswith("/private"):
            self._send(200, PAGE, html)
        elif path == "/etag":
            tag = '"v1"'
            modified = "Wed, 01 Jan 2025 00:00:00 GMT"
            if self.headers.get("If-None-Match") == tag or self.headers.get("If-Modified-Since") == modified:
                self._send(304, headers={"ETag": tag}, length=False)
            else:
                self._send(200, PAGE, {**html, "ETag": tag, "Last-Modified": modified})
        else:
            self._send(404, b"not found", {"Content-Type": "text/plain"})


class _TestHTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True  # a handler still sleeping must not hold up teardown
    state: Server

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that give up early (timeouts, caps) break the pipe; that is expected


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    httpd = _TestHTTPServer(("127.0.0.1", 0), _Handler)
    port = httpd.server_address[1]
    httpd.state = Server(base=f"http://127.0.0.1:{port}", port=port)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd.state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def local_settings(**changes: object) -> Settings:
    base: dict[str, object] = {"allow_private": True, "fetch_delay": 0.0, "fetch_timeout": 2.0, "max_document_bytes": MAX_BYTES}
    base.update(changes)
    return Settings(**base)  # type: ignore[arg-type]


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(local_settings()) as f:
        yield f


@pytest.fixture
def no_connect(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Record (and refuse) every outgoing socket connection."""
    attempts: list[object] = []

    def refuse(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise AssertionError(f"unexpected connection to {address!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


# -- address classification ---------------------------------------------------


@pytest.mark.parametrize(
    "ip",
    [
        "127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "100.64.0.1",
        "0.0.0.0", "224.0.0.1", "255.255.255.255", "240.0.0.1", "::1", "::", "fe80::1",
        "fe80::1%eth0", "fc00::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
        "2002:7f00:1::", "2002:a9fe:a9fe::1", "64:ff9b::a00:1", "not an ip",
    ],
)
def test_blocked_ips(ip: str) -> None:
    assert is_blocked_ip(ip)


@pytest.mark.parametrize("ip", ["93.184.216.34", "8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:93.184.216.34"])
def test_public_ips_not_blocked(ip: str) -> None:
    assert not is_blocked_ip(ip)


def test_teredo_with_blocked_embedded_address() -> None:
    # Teredo server 127.0.0.1, client obfuscated 10.0.0.1 (bits inverted).
    teredo = ipaddress.IPv6Address("2001:0:7f00:1:0:0:f5ff:fffe")
    assert teredo.teredo is not None
    assert is_blocked_ip(str(teredo))


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("2130706433", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("0x7f.0.0.1", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("0X7F.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("10.1.2", "10.1.0.2"),
        ("127.0.0.1.", "127.0.0.1"),
        ("93.184.216.34", "93.184.216.34"),
        ("[::1]", "::1"),
        ("::1", "::1"),
        ("[::ffff:127.0.0.1]", "::ffff:7f00:1"),
        ("[fe80::1%25eth0]", "fe80::1"),
    ],
)
def test_parse_host_ip_spellings(host: str, expected: str) -> None:
    assert parse_host_ip(host) == ipaddress.ip_address(expected)


@pytest.mark.parametrize("host", ["example.com", "localhost", "0x", "08.0.0.1", "1.2.3.4.5", "256.1.1.1", "1..1", "", "[not-ip]", "4294967296"])
def test_parse_host_ip_hostnames(host: str) -> None:
    assert parse_host_ip(host) is None


@given(st.text(alphabet="0123456789abcdefxX.", min_size=1, max_size=16))
def test_parse_host_ip_agrees_with_inet_aton(host: str) -> None:
    try:
        expected: ipaddress.IPv4Address | None = ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        expected = None
    if host.endswith(".") and expected is None:
        return  # we deliberately read one trailing dot as the same address (stricter than inet_aton)
    assert parse_host_ip(host) == expected


# -- SSRF guard (allow_private=False) -------------------------------------------


def test_local_server_refused(server: Server) -> None:
    before = sum(server.hits.values())
    with Fetcher(local_settings(allow_private=False)) as f, pytest.raises(BlockedAddress) as info:
        f.get(f"{server.base}/page")
    assert "127.0.0.1" in str(info.value)
    assert "--allow-private" in str(info.value)
    assert sum(server.hits.values()) == before


@pytest.mark.parametrize(
    "url",
    [
        "http://2130706433/",
        "http://0177.0.0.1/",
        "http://0x7f000001/",
        "http://0x7f.0.0.1/",
        "http://127.1/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://localhost/",
        "http://LOCALHOST:8080/admin",
        "https://[fd00::1]/",
        "http://100.64.0.1/",
    ],
)
def test_blocked_urls_refused_before_connecting(url: str, no_connect: list[object]) -> None:
    with Fetcher(local_settings(allow_private=False)) as f, pytest.raises(BlockedAddress) as info:
        f.get(url)
    assert "Refused" in str(info.value) and "--allow-private" in str(info.value)
    assert no_connect == []


def test_hostname_resolving_to_any_private_address_refused(monkeypatch: pytest.MonkeyPatch, no_connect: list[object]) -> None:
    monkeypatch.setattr(fetch, "_resolve", lambda host, port: ["93.184.216.34", "10.1.2.3"])
    with Fetcher(local_settings(allow_private=False)) as f, pytest.raises(BlockedAddress, match="10.1.2.3"):
        f.get("http://mixed.example/")
    assert no_connect == []


def test_connected_peer_checked_dns_rebinding(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    """The name looks public when checked but the socket lands on 127.0.0.1: refused."""
    real_create = socket.create_connection
    monkeypatch.setattr(fetch, "_resolve", lambda host, port: ["93.184.216.34"])

    def rebinding_create(address: tuple[str, int], *args: object, **kwargs: object) -> socket.socket:
        host, port = address
        return real_create(("127.0.0.1" if host == "rebind.test" else host, port), *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "create_connection", rebinding_create)
    with Fetcher(local_settings(allow_private=False)) as f, pytest.raises(BlockedAddress, match="127.0.0.1"):
        f.get(f"http://rebind.test:{server.port}/page", check_robots=False)


def test_redirect_hop_to_local_address_refused(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 'public' server (the test server, with the peer check switched off for it) redirects
    to http://127.0.0.1: the hop is refused before any request to it."""
    real_create = socket.create_connection
    monkeypatch.setattr(fetch, "_resolve", lambda host, port: ["93.184.216.34"])
    monkeypatch.setattr(
        socket,
        "create_connection",
        lambda address, *a, **k: real_create(("127.0.0.1", address[1]) if address[0] == "public.test" else address, *a, **k),
    )
    monkeypatch.setattr(Fetcher, "_check_peer", lambda self, url, response: None)
    page_hits = server.hits["/page"]
    with Fetcher(local_settings(allow_private=False)) as f, pytest.raises(BlockedAddress, match="127.0.0.1"):
        f.get(f"http://public.test:{server.port}/redirect-local", check_robots=False)
    assert server.hits["/redirect-local"] >= 1
    assert server.hits["/page"] == page_hits


@pytest.mark.parametrize(
    "target",
    ["http://127.0.0.1/", "http://0x7f000001/admin", "http://[::1]:8080/", "http://169.254.169.254/latest/meta-data/", "http://localhost/"],
)
def test_redirect_to_blocked_address_refused_mock(target: str, no_connect: list[object]) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return httpx.Response(302, headers={"Location": target})

    with Fetcher(local_settings(allow_private=False), transport=httpx.MockTransport(handler)) as f:
        with pytest.raises(BlockedAddress):
            f.get("http://93.184.216.34/go")
    assert seen == ["http://93.184.216.34/robots.txt", "http://93.184.216.34/go"]


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/x", "gopher://example.com/", "javascript:alert(1)"])
def test_non_http_schemes_refused(url: str, no_connect: list[object]) -> None:
    with Fetcher(local_settings()) as f, pytest.raises(FetchError, match="only http and https"):
        f.get(url)


def test_redirect_to_file_scheme_refused() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(302, headers={"Location": "file:///etc/passwd"}))
    with Fetcher(local_settings(), transport=transport) as f, pytest.raises(FetchError, match="only http and https"):
        f.get("http://93.184.216.34/go", check_robots=False)


# -- fetching (allow_private=True) ----------------------------------------------


def test_page_fetched(server: Server, fetcher: Fetcher) -> None:
    result = fetcher.get(f"{server.base}/page")
    assert result.status == 200
    assert result.content == PAGE
    assert result.content_type.startswith("text/html")
    assert result.url == f"{server.base}/page"
    assert not result.not_modified
    assert server.headers["/page"]["User-Agent"] == Settings().user_agent


def test_redirect_chain_followed(server: Server, fetcher: Fetcher) -> None:
    result = fetcher.get(f"{server.base}/r1")
    assert result.url == f"{server.base}/page"
    assert result.content == PAGE


def test_redirect_loop_refused(server: Server) -> None:
    with Fetcher(local_settings(fetch_max_redirects=3)) as f, pytest.raises(FetchError, match="more than 3"):
        f.get(f"{server.base}/loop")


def test_size_cap_by_content_length(server: Server, fetcher: Fetcher) -> None:
    with pytest.raises(InputTooLarge):
        fetcher.get(f"{server.base}/big")


def test_size_cap_while_streaming(server: Server, fetcher: Fetcher) -> None:
    with pytest.raises(InputTooLarge):
        fetcher.get(f"{server.base}/big-no-length")


def test_gzip_bomb_capped_on_decoded_size(server: Server, fetcher: Fetcher) -> None:
    assert len(BOMB) < MAX_BYTES  # only the decoded size can trip the cap
    with pytest.raises(InputTooLarge):
        fetcher.get(f"{server.base}/bomb")


def test_gzip_body_decoded(server: Server, fetcher: Fetcher) -> None:
    assert fetcher.get(f"{server.base}/gzip").content == SMALL_GZIP_TEXT


def test_timeout(server: Server) -> None:
    start = time.monotonic()
    with Fetcher(local_settings(fetch_timeout=0.3)) as f, pytest.raises(FetchError, match="timed out"):
        f.get(f"{server.base}/slow", check_robots=False)
    assert time.monotonic() - start < 1.4


def test_overall_deadline_on_trickling_body(server: Server) -> None:
    start = time.monotonic()
    with Fetcher(local_settings(fetch_timeout=0.3)) as f, pytest.raises(FetchError, match="timed out"):
        f.get(f"{server.base}/trickle", check_robots=False)
    assert time.monotonic() - start < 1.5


def test_http_error_status(server: Server, fetcher: Fetcher) -> None:
    with pytest.raises(FetchError, match="404"):
        fetcher.get(f"{server.base}/missing")


def test_robots_disallow_respected_and_cached(server: Server) -> None:
    with Fetcher(local_settings()) as f:
        robots_before = server.hits["/robots.txt"]
        with pytest.raises(FetchError, match="robots.txt"):
            f.get(f"{server.base}/private/secret")
        assert f.get(f"{server.base}/page").content == PAGE
        f.get(f"{server.base}/r1")
        assert server.hits["/robots.txt"] == robots_before + 1
    assert server.hits["/private/secret"] == 0


def test_robots_check_can_be_skipped(server: Server, fetcher: Fetcher) -> None:
    assert fetcher.get(f"{server.base}/private/ok", check_robots=False).status == 200


def test_robots_5xx_or_unreachable_allows() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            if request.url.host == "93.184.216.34":
                return httpx.Response(503)
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(200, content=b"ok", headers={"Content-Type": "text/plain"})

    with Fetcher(local_settings(), transport=httpx.MockTransport(handler)) as f:
        assert f.get("http://93.184.216.34/a").content == b"ok"
        assert f.get("http://93.184.216.35/b").content == b"ok"


def test_conditional_get(server: Server, fetcher: Fetcher) -> None:
    first = fetcher.get(f"{server.base}/etag")
    assert first.etag == '"v1"' and first.last_modified
    again = fetcher.get(f"{server.base}/etag", etag=first.etag)
    assert again.not_modified and again.status == 304 and again.content == b""
    assert server.headers["/etag"]["If-None-Match"] == '"v1"'
    by_date = fetcher.get(f"{server.base}/etag", last_modified=first.last_modified)
    assert by_date.not_modified


def test_rate_limit_per_host(server: Server) -> None:
    with Fetcher(local_settings(fetch_delay=0.3)) as f:
        start = time.monotonic()
        f.get(f"{server.base}/page", check_robots=False)
        f.get(f"{server.base}/page", check_robots=False)
        assert time.monotonic() - start >= 0.3


def test_no_delay_when_zero(server: Server, fetcher: Fetcher) -> None:
    start = time.monotonic()
    for _ in range(3):
        fetcher.get(f"{server.base}/page", check_robots=False)
    assert time.monotonic() - start < 0.3
