"""A real uvicorn server on 127.0.0.1 and a free port, in a background thread, for tests."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storyline.api.server import build_server


@dataclass
class Live:
    url: str
    port: int
    app: Any
    token_file: Path


@contextmanager
def live_server(db: Path, token_file: Path, **kwargs: Any) -> Iterator[Live]:
    server, sock, app = build_server(db, "127.0.0.1", 0, token_file, log_level="warning", access_log=False, **kwargs)
    port = sock.getsockname()[1]
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield Live(f"http://127.0.0.1:{port}", port, app, token_file)
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
        app.close()
