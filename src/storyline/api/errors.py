"""API errors: one JSON shape, `{"error": {"code", "message", "fix"}}`, with a fix a user can act on."""

from __future__ import annotations

import json
from typing import Any

from starlette.types import Send


class ApiError(Exception):
    """Raised by handlers; rendered as JSON (API) or as an error page (web UI)."""

    def __init__(self, status: int, code: str, message: str, fix: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fix = fix
        self.headers = headers or {}


def error_body(code: str, message: str, fix: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fix": fix}}


def error_bytes(code: str, message: str, fix: str) -> bytes:
    return json.dumps(error_body(code, message, fix), ensure_ascii=False).encode("utf-8")


async def send_json_error(send: Send, status: int, code: str, message: str, fix: str, headers: dict[str, str] | None = None) -> None:
    """Send a complete JSON error response straight to the ASGI server (used by the middlewares)."""
    body = error_bytes(code, message, fix)
    raw_headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ] + [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})


def not_found(kind: str, ident: str, list_hint: str) -> ApiError:
    shown = ident if len(ident) <= 80 else ident[:80] + "…"
    return ApiError(404, f"{kind}_not_found", f"No {kind} with id {shown!r}.", f"List the available ones with {list_hint}.")
