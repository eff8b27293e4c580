"""JSON Lines: one article per line with title, text, url, outlet, published (and optional html, author, id)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO

from storyline.models import RawDocument, Rejection

_FIELDS = ("title", "url", "outlet", "published", "author")


def jsonl_documents(stream: IO[bytes], source: str, max_record_bytes: int) -> Iterator[RawDocument | Rejection]:
    """Yield one document per valid line; a bad line is rejected and the rest go on."""
    for number, raw_line in enumerate(_limited_lines(stream, max_record_bytes), start=1):
        record_id = f"{source}:{number}"
        if raw_line is None:
            yield Rejection(record_id, f"line longer than {max_record_bytes} bytes; split the record or raise max_record_bytes")
            continue
        if not raw_line.strip():
            continue
        try:
            record = json.loads(raw_line.decode("utf-8-sig", errors="replace"))
        except json.JSONDecodeError as exc:
            yield Rejection(record_id, f"not valid JSON ({exc.msg} at column {exc.colno}); each line must be one JSON object")
            continue
        if not isinstance(record, dict):
            yield Rejection(record_id, "a JSONL line must be an object with at least 'text' or 'html'")
            continue
        text, html = record.get("text"), record.get("html")
        if not isinstance(text, str) and not isinstance(html, str):
            yield Rejection(record_id, "no 'text' or 'html' field; add the article body as 'text'")
            continue
        meta = {k: str(record[k]) for k in _FIELDS if record.get(k) not in (None, "")}
        yield RawDocument(
            input=f"{source}#{record['id']}" if record.get("id") not in (None, "") else record_id,
            kind="jsonl",
            text=text if isinstance(text, str) else "",
            html=html if isinstance(html, str) and not isinstance(text, str) else "",
            **meta,
        )


def _limited_lines(stream: IO[bytes], limit: int) -> Iterator[bytes | None]:
    """Lines of at most `limit` bytes; an over-long line yields None and is skipped, not buffered."""
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):  # discard the rest of the long line
                line = stream.readline(1 << 20)
            yield None
            continue
        yield line
