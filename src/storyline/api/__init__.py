"""HTTP API (JSON under /api/) and the web UI, served by one FastAPI app.

`create_app(db_path, token_file=None, ...)` builds the app; `storyline.api.server.serve(db, ...)`
runs it with uvicorn. Imported lazily, so the ingestion child process stays light.
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from storyline.api.app import create_app

        return create_app
    raise AttributeError(name)
