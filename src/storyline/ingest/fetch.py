"""A careful HTTP fetcher: SSRF guard, size caps, timeouts, robots.txt and politeness.

Every hop of a fetch (the first request, each redirect, robots.txt) goes through
the same guarded path, so a public URL cannot bounce us into the local network.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import socket
import threading
import time
import urllib.robotparser
from dataclasses import dataclass
from types import TracebackType
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from storyline.config import Settings
from storyline.errors import BlockedAddress, FetchError, InputTooLarge

log = logging.getLogger(__name__)

_ALLOWED_SCHEMES = ("http", "https")
_REDIRECT_STATUSES = (301, 302, 303, 307, 308)
_PRIVATE_FIX = "pass --allow-private if you really mean to fetch from your own network."
# Carrier-grade NAT space is not "private" to the ipaddress module, but it is not the internet either.
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
# NAT64 well-known prefix: the low 32 bits are an IPv4 address the gateway will connect to.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_INET_ATON_PART = re.compile(r"^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$")


class _HTTPStatusError(FetchError):
    """An HTTP error status; keeps the status so robots.txt handling can tell 4xx from 5xx."""

    def __init__(self, message: str, *, status: int, fix: str | None = None) -> None:
        super().__init__(message, fix=fix)
        self.status = status


@dataclass(frozen=True)
class FetchResult:
    url: str  # final URL after redirects
    status: int
    content: bytes  # decoded (gzip etc. undone) body, capped
    content_type: str
    etag: str | None
    last_modified: str | None
    not_modified: bool  # True on 304 for a conditional GET


def _ipv4_blocked(ip: ipaddress.IPv4Address) -> bool:
    return (
        not ip.is_global
        or ip in _CGNAT
        or ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast  # multicast counts as "global" to ipaddress, so check it explicitly
        or ip.is_reserved
        or ip.is_unspecified
    )


def is_blocked_ip(ip: str) -> bool:
    """True if `ip` is not a public unicast address (fails closed on anything unparsable)."""
    try:
        addr = ipaddress.ip_address(ip.strip("[]"))
    except ValueError:
        return True
    if isinstance(addr, ipaddress.IPv4Address):
        return _ipv4_blocked(addr)
    if addr.ipv4_mapped is not None:
        # ::ffff:a.b.c.d is plain IPv4 on a dual-stack socket: judge the IPv4 address.
        return _ipv4_blocked(addr.ipv4_mapped)
    # Tunnel and translation forms that carry an IPv4 address the packet really ends up at.
    embedded: list[ipaddress.IPv4Address] = []
    if addr.sixtofour is not None:
        embedded.append(addr.sixtofour)
    if addr.teredo is not None:
        embedded.extend(addr.teredo)
    if addr in _NAT64:
        embedded.append(ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF))
    if any(_ipv4_blocked(v4) for v4 in embedded):
        return True
    return (
        not addr.is_global
        or addr.is_private
        or addr.is_loopback
        or addr.is_link_local
        or addr.is_site_local
        or addr.is_multicast
        or addr.is_reserved
        or addr.is_unspecified
    )


def _parse_inet_aton(host: str) -> ipaddress.IPv4Address | None:
    """IPv4 the way inet_aton (and so getaddrinfo) reads it: 1-4 parts, each decimal, octal or hex."""
    parts = host.split(".")
    if not 1 <= len(parts) <= 4 or not all(_INET_ATON_PART.match(p) for p in parts):
        return None
    values: list[int] = []
    for part in parts:
        if part[:2].lower() == "0x":
            values.append(int(part[2:], 16))
        elif len(part) > 1 and part.startswith("0"):
            values.append(int(part, 8))
        else:
            values.append(int(part))
    # All but the last part are single bytes; the last fills the remaining bytes ("127.1" = 127.0.0.1).
    if any(v > 0xFF for v in values[:-1]) or values[-1] >= 256 ** (5 - len(values)):
        return None
    number = 0
    for v in values[:-1]:
        number = (number << 8) | v
    number = (number << (8 * (5 - len(values)))) | values[-1]
    return ipaddress.IPv4Address(number)


def parse_host_ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The IP address a URL host literally names, in any spelling; None for a real hostname."""
    host = host.strip()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if ":" in host:
        try:
            return ipaddress.IPv6Address(host.split("%", 1)[0])  # drop a zone id like %eth0
        except ValueError:
            return None
    # A resolver may accept one trailing dot on a numeric host; treat it as the same address.
    if host.endswith("."):
        host = host[:-1]
    return _parse_inet_aton(host)


def _resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to. A module function so tests can stand in for DNS."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def _display_url(url: str) -> str:
    """The URL without user:password, for messages."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]).geturl()


def _log_url(url: str) -> str:
    """The URL without credentials or query string: either may carry a token."""
    shown = _display_url(url)
    try:
        return urlsplit(shown)._replace(query="", fragment="").geturl()
    except ValueError:
        return "<unparsable URL>"


class Fetcher:
    """Fetches URLs one at a time with every safety check on; reuse one per run."""

    def __init__(self, settings: Settings, *, transport: httpx.BaseTransport | None = None) -> None:
        self.settings = settings
        self._timeout = settings.fetch_timeout
        # trust_env=False: no proxy from the environment, so the peer we check is the real server.
        self._client = httpx.Client(
            transport=transport,
            timeout=httpx.Timeout(self._timeout),
            follow_redirects=False,
            trust_env=False,
            headers={
                "User-Agent": settings.user_agent,
                # Only encodings zlib decodes; brotli/zstd would otherwise be accepted if installed.
                "Accept-Encoding": "gzip, deflate",
            },
        )
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        self._next_slot: dict[str, float] = {}
        self._lock = threading.Lock()

    # -- context manager -------------------------------------------------

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    # -- public ----------------------------------------------------------

    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        check_robots: bool = True,
    ) -> FetchResult:
        """GET `url`, following redirects through the guard on every hop."""
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = self._check_url(url)
        if check_robots:
            self._check_robots(current)
        for _hop in range(self.settings.fetch_max_redirects + 1):
            result, location = self._request(current, headers)
            if location is None:
                assert result is not None
                return result
            nxt = self._check_url(urljoin(str(current), location))
            log.debug("redirect %s -> %s", _log_url(str(current)), _log_url(str(nxt)))
            if check_robots:
                self._check_robots(nxt)
            current = nxt
        raise FetchError(
            f"{_display_url(url)} redirected more than {self.settings.fetch_max_redirects} times.",
            fix="Check the URL in a browser; raise fetch_max_redirects (STORYLINE_FETCH_MAX_REDIRECTS) if the chain is legitimate.",
        )

    # -- guard -----------------------------------------------------------

    def _check_url(self, url: str) -> httpx.URL:
        """Parse `url`, refuse non-HTTP schemes and, unless allowed, private targets."""
        shown = _display_url(url)
        try:
            parsed = httpx.URL(url)
        except httpx.InvalidURL as exc:
            # httpx rejects some spellings (e.g. octal 0177.0.0.1) that resolvers accept;
            # still say "blocked" when that is what it is, so the message is accurate.
            host = self._fallback_host(url)
            if host and not self.settings.allow_private:
                literal = parse_host_ip(host)
                if literal is not None and is_blocked_ip(str(literal)):
                    raise self._blocked(url, str(literal)) from exc
            raise FetchError(f"{shown} is not a valid URL ({exc}).", fix="Check the URL for typos.") from exc
        if parsed.scheme not in _ALLOWED_SCHEMES:
            raise FetchError(
                f"{shown} uses the scheme {parsed.scheme or '(none)'!r}; only http and https can be fetched.",
                fix="Use an http:// or https:// URL, or pass a local file path instead.",
            )
        host = parsed.raw_host.decode("ascii")
        if not host:
            raise FetchError(f"{shown} has no host.", fix="Use a full URL such as https://example.com/article.")
        if not self.settings.allow_private:
            self._check_host(url, host, parsed.port or (443 if parsed.scheme == "https" else 80))
        return parsed

    @staticmethod
    def _fallback_host(url: str) -> str | None:
        try:
            return urlsplit(url).hostname
        except ValueError:
            return None

    def _check_host(self, url: str, host: str, port: int) -> None:
        """Refuse if the host is, or resolves to any, blocked address. No connection is made."""
        literal = parse_host_ip(host)
        if literal is not None:
            if is_blocked_ip(str(literal)):
                raise self._blocked(url, str(literal))
            return
        try:
            addresses = _resolve(host, port)
        except (socket.gaierror, UnicodeError, OSError) as exc:
            raise FetchError(
                f"Could not resolve the host of {_display_url(url)} ({exc}).",
                fix="Check the host name and your network connection.",
            ) from exc
        # ANY blocked address refuses: the connection may pick whichever one it likes.
        for address in addresses:
            if is_blocked_ip(address):
                raise self._blocked(url, address)

    def _check_peer(self, url: httpx.URL, response: httpx.Response) -> None:
        """Refuse if the socket we actually connected to is private (DNS rebinding)."""
        if self.settings.allow_private:
            return
        stream = response.extensions.get("network_stream")
        if stream is None:
            return  # e.g. a MockTransport: nothing was connected, the pre-check stands
        peer: Any = stream.get_extra_info("server_addr")
        if not peer:
            return
        address = str(peer[0]) if isinstance(peer, tuple) else str(peer)
        if is_blocked_ip(address):
            raise self._blocked(str(url), address)

    @staticmethod
    def _blocked(url: str, address: str) -> BlockedAddress:
        log.warning("refused %s: resolves to non-public address %s", _log_url(url), address)
        return BlockedAddress(
            f"Refused to fetch {_display_url(url)}: it points to the non-public address {address}.",
            fix=_PRIVATE_FIX,
        )

    # -- politeness ------------------------------------------------------

    def _wait_turn(self, host: str) -> None:
        """Keep request starts to one host at least fetch_delay apart (thread-safe)."""
        delay = self.settings.fetch_delay
        if delay <= 0:
            return
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next_slot.get(host, now))
            self._next_slot[host] = slot + delay
        # Sleep outside the lock so other hosts are not held up.
        pause = slot - time.monotonic()
        if pause > 0:
            time.sleep(pause)

    # -- robots.txt ------------------------------------------------------

    def _check_robots(self, url: httpx.URL) -> None:
        origin = f"{url.scheme}://{url.netloc.decode('ascii')}"
        with self._lock:
            known = origin in self._robots
            parser = self._robots.get(origin)
        if not known:
            parser = self._load_robots(origin)
            with self._lock:
                self._robots[origin] = parser
        if parser is not None and not parser.can_fetch(self.settings.user_agent, str(url)):
            raise FetchError(
                f"{_display_url(str(url))} is disallowed by {origin}/robots.txt.",
                fix="Respect the site's wishes; use a copy you are allowed to read (e.g. a file or WARC).",
            )

    def _load_robots(self, origin: str) -> urllib.robotparser.RobotFileParser | None:
        """Fetch and parse robots.txt; None means allow everything."""
        robots_url = f"{origin}/robots.txt"
        try:
            result = self.get(robots_url, check_robots=False)
        except _HTTPStatusError as exc:
            # Missing or forbidden robots.txt (4xx) means no rules; 5xx is an outage: allow, but say so.
            if exc.status < 500:
                log.debug("no robots.txt at %s (HTTP %s): all allowed", origin, exc.status)
            else:
                log.warning("could not read %s (HTTP %s); assuming all allowed", robots_url, exc.status)
            return None
        except FetchError as exc:
            log.warning("could not read %s (%s); assuming all allowed", robots_url, exc.message)
            return None
        except InputTooLarge:
            log.warning("%s is larger than max_document_bytes; assuming all allowed", robots_url)
            return None
        parser = urllib.robotparser.RobotFileParser(robots_url)
        parser.parse(result.content.decode("utf-8", errors="replace").splitlines())
        return parser

    # -- one hop ---------------------------------------------------------

    def _request(self, url: httpx.URL, headers: dict[str, str]) -> tuple[FetchResult | None, str | None]:
        """One guarded GET. Returns (result, None) or (None, redirect location)."""
        shown = _display_url(str(url))
        self._wait_turn(url.host)
        # Per-operation timeouts alone let a trickling server run forever; cap the whole hop too.
        deadline = time.monotonic() + 2 * self._timeout
        log.info("GET %s", _log_url(str(url)))
        try:
            request = self._client.build_request("GET", url, headers=headers)
            response = self._client.send(request, stream=True)
            try:
                self._check_peer(url, response)
                status = response.status_code
                if status in _REDIRECT_STATUSES:
                    location = response.headers.get("Location")
                    if not location:
                        raise FetchError(f"{shown} answered HTTP {status} without a Location.", fix="Report it to the site or use another URL.")
                    return None, location
                if status == 304:
                    return self._result(url, response, b"", not_modified=True), None
                if status >= 400:
                    raise _HTTPStatusError(
                        f"{shown} answered HTTP {status} {response.reason_phrase}.",
                        status=status,
                        fix="Check the URL; retry later if the server is overloaded (5xx).",
                    )
                body = self._read_body(url, response, deadline)
                return self._result(url, response, body, not_modified=False), None
            finally:
                response.close()
        except httpx.TimeoutException as exc:
            raise self._timed_out(shown) from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"Fetching {shown} failed: {exc or type(exc).__name__}.", fix="Check the URL and your network connection.") from exc

    def _timed_out(self, shown: str) -> FetchError:
        return FetchError(
            f"Fetching {shown} timed out (limit {self._timeout:g}s per step, {2 * self._timeout:g}s per request).",
            fix="Retry later, or raise fetch_timeout (STORYLINE_FETCH_TIMEOUT).",
        )

    def _read_body(self, url: httpx.URL, response: httpx.Response, deadline: float) -> bytes:
        limit = self.settings.max_document_bytes
        shown = _display_url(str(url))
        too_large = InputTooLarge(
            f"{shown} is larger than max_document_bytes ({limit} bytes).",
            fix="Raise STORYLINE_MAX_DOCUMENT_BYTES if you trust the source.",
        )
        declared = response.headers.get("Content-Length")
        if declared and declared.strip().isdigit() and int(declared) > limit:
            raise too_large
        chunks: list[bytes] = []
        size = 0
        # iter_bytes yields decoded bytes, so a gzip bomb is stopped on what it expands to.
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise too_large
            if time.monotonic() > deadline:
                raise self._timed_out(shown)
            chunks.append(chunk)
        return b"".join(chunks)

    @staticmethod
    def _result(url: httpx.URL, response: httpx.Response, body: bytes, *, not_modified: bool) -> FetchResult:
        return FetchResult(
            url=str(url),
            status=response.status_code,
            content=body,
            content_type=response.headers.get("Content-Type", ""),
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            not_modified=not_modified,
        )
