"""Write token, Host-header check, streamed body limit and security headers.

- The write token is created at first start into a file only its owner can read
  (mode 0600, published atomically: written under an O_EXCL temporary name, then
  hard-linked into place, so a reader never sees half a token and nothing is overwritten).
  It is compared in constant time and never logged or echoed.
- While bound to loopback, only `localhost`, `127.0.0.1` and `[::1]` with the server's
  port are accepted as Host: a DNS-rebinding page on another name gets 421.
- Request bodies are counted as they stream in; the request is refused with 413 as soon
  as it passes the limit (or at once when Content-Length says it will), never buffered.
- Every response carries CSP (with frame-ancestors 'none'), nosniff, no-referrer and
  framing protection.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import secrets
import stat
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from storyline.api.errors import ApiError, send_json_error
from storyline.errors import ConfigError

log = logging.getLogger(__name__)

TOKEN_BYTES = 32
DEFAULT_MAX_BODY = 2 * 1024 * 1024

PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
_COMMON_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
]


# -- token ----------------------------------------------------------------------------

def default_token_file(db_path: str | Path) -> Path:
    return Path(f"{db_path}.token")


def load_or_create_token(path: str | Path) -> str:
    """The token stored in `path`, creating the file (mode 0600) with a new token if it is missing."""
    path = Path(path)
    if not path.exists():
        _create_token_file(path)
    return _read_token_file(path)


def _create_token_file(path: Path) -> None:
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, (secrets.token_urlsafe(TOKEN_BYTES) + "\n").encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)  # atomic, and never replaces a token file created meanwhile
    except FileExistsError:
        pass
    finally:
        os.unlink(tmp)
    log.info("created write token file %s (mode 0600)", path)


def _read_token_file(path: Path) -> str:
    fix = f"Delete {path} and restart the server to create a new token, or run `chmod 600 {path}`."
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        raise ConfigError(f"cannot open the token file {path}: {exc.strerror}.", fix=fix) from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ConfigError(f"the token file {path} is not a regular file.", fix=fix)
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            raise ConfigError(f"the token file {path} belongs to another user.", fix=fix)
        if info.st_mode & 0o077:
            raise ConfigError(f"the token file {path} can be read by other users (mode {stat.S_IMODE(info.st_mode):o}).", fix=fix)
        token = os.read(fd, 4096).decode("ascii", errors="replace").strip()
    finally:
        os.close(fd)
    if len(token) < 32:
        raise ConfigError(f"the token file {path} does not hold a usable token.", fix=fix)
    return token


def check_bearer(authorization: str | None, token: str, token_file: Path) -> None:
    """Raise 401 (no or malformed token) or 403 (wrong token); constant-time comparison."""
    how = (f"Send the header 'Authorization: Bearer <token>'. The token is in {token_file} (readable only by "
           "the user who started the server), e.g. -H \"Authorization: Bearer $(cat " + str(token_file) + ")\".")
    challenge = {"WWW-Authenticate": 'Bearer realm="storyline"'}
    if not authorization:
        raise ApiError(401, "token_required", "This request changes data and needs the write token.", how, challenge)
    scheme, _, value = authorization.partition(" ")
    value = value.strip()
    if scheme.lower() != "bearer" or not value:
        raise ApiError(401, "token_malformed", "The Authorization header is not of the form 'Bearer <token>'.", how, challenge)
    if not hmac.compare_digest(value.encode("utf-8", "replace"), token.encode("utf-8")):
        raise ApiError(403, "token_invalid", "The write token does not match.",
                       f"Use the current token from {token_file}; if that file was deleted, the server made a new one at its last start.")


# -- host check -----------------------------------------------------------------------

def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def loopback_hosts(port: int) -> set[str]:
    names = {"localhost", "127.0.0.1", "[::1]"}
    allowed = {f"{n}:{port}" for n in names}
    if port == 80:
        allowed |= names
    return allowed


class HostCheckMiddleware:
    """Refuse requests whose Host header is not one we serve (defence against DNS rebinding)."""

    def __init__(self, app: ASGIApp, allowed: set[str] | None) -> None:
        self.app = app
        self.allowed = {h.lower() for h in allowed} if allowed is not None else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or self.allowed is None:
            await self.app(scope, receive, send)
            return
        hosts = [v for k, v in scope.get("headers") or [] if k == b"host"]
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        if len(hosts) != 1:
            await send_json_error(send, 400, "host_missing", "The request has no (or more than one) Host header.",
                                  "Use an HTTP/1.1 client and open the server as http://127.0.0.1:<port>/.")
            return
        host = hosts[0].decode("latin-1").strip().lower()
        if host not in self.allowed:
            allowed = ", ".join(sorted(self.allowed))
            await send_json_error(
                send, 421, "host_not_allowed",
                "This server answers only to its loopback names; the Host header of this request names another "
                "(refused to protect against DNS rebinding).",
                f"Open the server through one of: {allowed}.",
            )
            return
        await self.app(scope, receive, send)


# -- body limit -----------------------------------------------------------------------

class BodyLimitMiddleware:
    """413 as soon as a request body passes `max_bytes`, counted while it streams in."""

    def __init__(self, app: ASGIApp, max_bytes: int = DEFAULT_MAX_BODY) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _too_large(self) -> tuple[str, str, str]:
        mb = self.max_bytes / (1024 * 1024)
        return ("body_too_large", f"The request body is larger than the {mb:g} MB limit.",
                "Send a smaller body (one article per request), or give the URL of the page or feed instead of its content.")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = scope.get("headers") or []
        lengths = [v for k, v in headers if k == b"content-length"]
        if not lengths and not any(k == b"transfer-encoding" for k, _ in headers):
            await self.app(scope, receive, send)  # HTTP/1.1: no length and no chunking means no body
            return
        if lengths:
            raw = lengths[0].strip()
            if len(lengths) > 1 or not raw.isdigit():
                await send_json_error(send, 400, "bad_content_length", "The Content-Length header is not a single number.",
                                      "Send one valid Content-Length, or use chunked transfer encoding.")
                return
            if int(raw) > self.max_bytes:
                await send_json_error(send, 413, *self._too_large())
                return
        received = 0
        responded = False  # we sent the 413 ourselves
        started = False  # the app started its response

        async def limited_receive() -> Message:
            nonlocal received, responded
            if responded:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    responded = True
                    if not started:
                        await send_json_error(send, 413, *self._too_large())
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if responded:
                return  # the app reacts to the disconnect; its response is dropped
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, limited_receive, guarded_send)


# -- security headers -----------------------------------------------------------------

class SecurityHeadersMiddleware:
    """Add CSP and the other protective headers to every response (pages get a page CSP)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        api = path.startswith("/api/") or path == "/openapi.json"

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"content-security-policy"]
                present = {k.lower() for k, _ in headers}
                headers.append((b"content-security-policy", (API_CSP if api else PAGE_CSP).encode()))
                headers += [(k, v) for k, v in _COMMON_HEADERS if k not in present]
                if api and b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
