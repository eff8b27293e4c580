"""Write token, Host check, streamed body limit, security headers."""

from __future__ import annotations

import json
import logging
import os
import socket
import stat
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from storyline.api.app import create_app
from storyline.api.security import load_or_create_token
from storyline.errors import ConfigError
from tests.api.liveserver import live_server

ARTICLE = {"title": "A title", "text": " ".join(["word"] * 40), "outlet": "Example"}


# -- token ---------------------------------------------------------------------------

def test_token_file_is_created_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "token"
    old = os.umask(0)  # even with a permissive umask
    try:
        token = load_or_create_token(path)
    finally:
        os.umask(old)
    mode = stat.S_IMODE(path.stat().st_mode)
    assert mode == 0o600
    assert len(token) >= 40 and path.read_text().strip() == token
    assert load_or_create_token(path) == token  # reused at the next start
    assert [p.name for p in path.parent.iterdir()] == ["token"]  # no temporary file left


def test_token_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "token"
    load_or_create_token(path)
    path.chmod(0o644)
    with pytest.raises(ConfigError) as exc:
        load_or_create_token(path)
    assert "chmod 600" in (exc.value.fix or "")


def test_token_file_symlink_is_refused(tmp_path: Path) -> None:
    real = tmp_path / "real"
    load_or_create_token(real)
    link = tmp_path / "link"
    link.symlink_to(real)
    with pytest.raises(ConfigError):
        load_or_create_token(link)


def test_concurrent_first_starts_agree_on_one_token(tmp_path: Path) -> None:
    path = tmp_path / "token"
    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(load_or_create_token(path))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(results)) == 1


def test_write_without_token_is_401_and_says_how(client: TestClient, tmp_path: Path) -> None:
    r = client.post("/api/articles", json=ARTICLE)
    assert r.status_code == 401
    assert r.headers["www-authenticate"].startswith("Bearer")
    err = r.json()["error"]
    assert err["code"] == "token_required"
    assert "Authorization: Bearer" in err["fix"] and str(tmp_path / "secret" / "token") in err["fix"]
    r = client.post("/api/articles", json=ARTICLE, headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "token_malformed"


def test_write_with_wrong_token_is_403(client: TestClient, token: str) -> None:
    r = client.post("/api/articles", json=ARTICLE, headers={"Authorization": "Bearer " + "x" * len(token)})
    assert r.status_code == 403 and r.json()["error"]["code"] == "token_invalid"
    assert token not in r.text
    assert client.get("/api/jobs/abc", headers={"Authorization": "Bearer nope"}).status_code == 403
    assert client.get("/api/jobs/abc").status_code == 401


def test_write_with_token_is_accepted(client: TestClient, auth: dict[str, str]) -> None:
    r = client.post("/api/articles", json=ARTICLE, headers=auth)
    assert r.status_code == 202, r.text
    assert r.headers["location"] == r.json()["links"]["job"]


def test_token_is_never_echoed_or_logged(client: TestClient, token: str, auth: dict[str, str], caplog: Any) -> None:
    caplog.set_level(logging.DEBUG)
    bodies = [client.post("/api/articles", json=ARTICLE, headers=auth).text,
              client.get("/api/health").text, client.get("/openapi.json").text, client.get("/").text,
              client.post("/api/articles", json={"bogus": 1}, headers=auth).text]
    assert all(token not in b for b in bodies)
    assert token not in caplog.text


def test_reads_need_no_token(client: TestClient) -> None:
    assert client.get("/api/stories").status_code == 200
    assert client.get("/").status_code == 200


# -- Host header ---------------------------------------------------------------------

@pytest.mark.parametrize("host", ["127.0.0.1:8000", "localhost:8000", "[::1]:8000", "LOCALHOST:8000"])
def test_loopback_hosts_with_the_port_are_accepted(app: Any, host: str) -> None:
    with TestClient(app, base_url=BASE_FOR(host)) as c:
        assert c.get("/api/health").status_code == 200


def BASE_FOR(host: str) -> str:  # noqa: N802 - small helper
    return f"http://{host}"


@pytest.mark.parametrize("host", ["evil.example:8000", "127.0.0.1:9999", "127.0.0.1", "localhost", "attacker.localhost:8000",
                                  "127.0.0.1:8000.evil.example", "127.0.0.1:8000@evil.example", ""])
def test_other_hosts_are_refused(client: TestClient, host: str) -> None:
    for path in ("/api/health", "/", "/api/stories/st-xi2025"):
        r = client.get(path, headers={"host": host})
        assert r.status_code == 421, (host, path)
        err = r.json()["error"]
        assert err["code"] == "host_not_allowed" and "127.0.0.1:8000" in err["fix"]
    assert client.post("/api/articles", json=ARTICLE, headers={"host": host}).status_code == 421


def test_missing_host_header_is_400(tmp_path: Path, stories: Any, db: Path) -> None:
    with live_server(db, tmp_path / "t") as live:
        raw = _raw_request(live.port, b"GET /api/health HTTP/1.0\r\n\r\n")
        assert raw.startswith(b"HTTP/1.1 400") and b"host_missing" in raw
        wrong = _raw_request(live.port, b"GET /api/health HTTP/1.1\r\nHost: rebind.example:%d\r\nConnection: close\r\n\r\n" % live.port)
        assert wrong.startswith(b"HTTP/1.1 421")
        ok = _raw_request(live.port, b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n\r\n" % live.port)
        assert ok.startswith(b"HTTP/1.1 200")


def test_explicit_allowed_hosts_when_not_on_loopback(db: Path, tmp_path: Path, stories: Any) -> None:
    app = create_app(db, tmp_path / "t", host="0.0.0.0", port=8080, allowed_hosts={"news.internal:8080"}, refresh_stories=False)
    try:
        with TestClient(app, base_url="http://news.internal:8080") as c:
            assert c.get("/api/health").status_code == 200
        with TestClient(app, base_url="http://127.0.0.1:8080") as c:
            assert c.get("/api/health").status_code == 421
    finally:
        app.close()


# -- body limit ----------------------------------------------------------------------

def _raw_request(port: int, data: bytes, timeout: float = 10.0) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        return _read_response(s)


def _read_response(s: socket.socket) -> bytes:
    chunks = []
    while True:
        try:
            chunk = s.recv(65536)
        except (ConnectionResetError, socket.timeout):
            break
        if not chunk:
            break
        chunks.append(chunk)
        if b"\r\n\r\n" in b"".join(chunks):
            head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
            length = [int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")]
            if length and len(body) >= length[0]:
                break
    return b"".join(chunks)


def test_content_length_above_limit_is_413_before_reading_the_body(client: TestClient, auth: dict[str, str]) -> None:
    big = json.dumps({**ARTICLE, "text": "x " * 1_100_000})
    r = client.post("/api/articles", content=big, headers={**auth, "content-type": "application/json"})
    assert r.status_code == 413
    err = r.json()["error"]
    assert err["code"] == "body_too_large" and "2 MB" in err["message"] and err["fix"]


def test_content_length_lie_is_refused_on_a_live_server(tmp_path: Path, db: Path, stories: Any) -> None:
    with live_server(db, tmp_path / "t") as live:
        head = (b"POST /api/articles HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: application/json\r\n"
                b"Content-Length: 999999999\r\n\r\n" % live.port)
        t0 = time.monotonic()
        raw = _raw_request(live.port, head)  # no body sent at all: the server must answer from the header
        assert raw.startswith(b"HTTP/1.1 413") and b"body_too_large" in raw
        assert time.monotonic() - t0 < 5


def test_chunked_body_without_content_length_is_cut_off_while_streaming(tmp_path: Path, db: Path, stories: Any) -> None:
    """2.5 MB sent in chunks and never finished: the 413 must come back anyway, so the server
    counted bytes as they arrived instead of waiting for (and buffering) the whole body."""
    with live_server(db, tmp_path / "t") as live:
        token = live.token_file.read_text().strip()
        with socket.create_connection(("127.0.0.1", live.port), timeout=10) as s:
            s.sendall(b"POST /api/articles HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: application/json\r\n"
                      b"Authorization: Bearer %s\r\nTransfer-Encoding: chunked\r\n\r\n" % (live.port, token.encode()))
            chunk = b"x" * 65536
            sent = 0
            try:
                while sent < 2_600_000:
                    s.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    sent += len(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the server may close as soon as it has answered
            raw = _read_response(s)  # the terminating 0-length chunk was never sent
        assert raw.startswith(b"HTTP/1.1 413"), raw[:200]
        assert b"body_too_large" in raw


def test_small_chunked_body_is_accepted(tmp_path: Path, db: Path, stories: Any) -> None:
    with live_server(db, tmp_path / "t") as live:
        token = live.token_file.read_text().strip()
        body = json.dumps(ARTICLE).encode()
        req = (b"POST /api/articles HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: application/json\r\nConnection: close\r\n"
               b"Authorization: Bearer %s\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n0\r\n\r\n"
               % (live.port, token.encode(), len(body), body))
        raw = _raw_request(live.port, req)
        assert raw.startswith(b"HTTP/1.1 202"), raw[:300]


def test_small_body_limit_is_configurable(db: Path, tmp_path: Path, stories: Any) -> None:
    app = create_app(db, tmp_path / "t", max_body_bytes=100, refresh_stories=False)
    try:
        token = (tmp_path / "t").read_text().strip()
        with TestClient(app, base_url="http://127.0.0.1:8000") as c:
            r = c.post("/api/articles", json=ARTICLE, headers={"Authorization": f"Bearer {token}"})
            assert r.status_code == 413
            r = c.post("/api/articles", content=b"{}", headers={"Authorization": f"Bearer {token}", "content-type": "application/json"})
            assert r.status_code == 422  # small enough, but names nothing to ingest
    finally:
        app.close()


def test_invalid_content_length_is_400(client: TestClient) -> None:
    r = client.post("/api/articles", content=b"{}", headers={"content-length": "abc"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_content_length"


# -- headers -------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/stories/st-xi2025", "/api/health", "/api/stories/st-xi2025", "/api/stories/nope",
                                  "/static/style.css", "/nothing"])
def test_security_headers_on_every_response(client: TestClient, path: str) -> None:
    r = client.get(path)
    csp = r.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert r.headers["x-frame-options"] == "DENY"
    assert "access-control-allow-origin" not in r.headers
    assert "server" not in r.headers or "uvicorn" not in r.headers["server"].lower()


def test_host_refusal_and_413_also_carry_security_headers(app: Any) -> None:
    with TestClient(app, base_url="http://evil.example:8000") as c:
        assert c.get("/").headers["x-content-type-options"] == "nosniff"


def test_cross_origin_preflight_gets_no_cors_grant(client: TestClient) -> None:
    r = client.options("/api/articles", headers={"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in r.headers
