"""Run the API and web UI with uvicorn.

`serve(db)` binds 127.0.0.1:8000 by default. The socket is bound before the app is
built, so `port=0` (any free port) works and the Host check knows the real port.
"""

from __future__ import annotations

import logging
import socket
import sys
from pathlib import Path

import uvicorn

from storyline.api.app import StorylineApp, create_app
from storyline.api.security import DEFAULT_MAX_BODY, default_token_file, is_loopback

log = logging.getLogger(__name__)


def bind_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit this. Without it, a response written as headers + body
    # waits for the client's delayed ACK (~40 ms per request on Linux).
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host.strip("[]"), port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def build_server(
    db: str | Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    token_file: str | Path | None = None,
    allow_private: bool = False,
    *,
    max_body_bytes: int = DEFAULT_MAX_BODY,
    log_level: str = "info",
    access_log: bool = True,
    refresh_stories: bool = True,
) -> tuple[uvicorn.Server, socket.socket, StorylineApp]:
    """A configured uvicorn server, its bound socket and the app (for tests and benchmarks)."""
    sock = bind_socket(host, port)
    actual_port = sock.getsockname()[1]
    app = create_app(db, token_file, allow_private=allow_private, host=host, port=actual_port,
                     max_body_bytes=max_body_bytes, refresh_stories=refresh_stories)
    config = uvicorn.Config(
        app, host=host, port=actual_port, log_level=log_level, access_log=access_log,
        server_header=False, date_header=True, proxy_headers=False, forwarded_allow_ips="",
        timeout_keep_alive=5, timeout_graceful_shutdown=5, backlog=2048, lifespan="on",
    )
    return uvicorn.Server(config), sock, app


def serve(
    db: str | Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    token_file: str | Path | None = None,
    allow_private: bool = False,
) -> None:
    """Serve the API (/api/...) and the web UI on `db` until interrupted."""
    server, sock, app = build_server(db, host, port, token_file, allow_private)
    actual_port = sock.getsockname()[1]
    shown_host = f"[{host}]" if ":" in host else host
    tfile = Path(token_file) if token_file else default_token_file(db)
    print(f"Storyline serving {db} at http://{shown_host}:{actual_port}/ (API: /api/, OpenAPI: /openapi.json)", file=sys.stderr)
    print(f"Writes need 'Authorization: Bearer <token>'; the token is in {tfile} (mode 0600).", file=sys.stderr)
    if not is_loopback(host):
        print(f"Warning: bound to {host}, not loopback: anyone who can reach this port can read the database.", file=sys.stderr)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
        app.close()
