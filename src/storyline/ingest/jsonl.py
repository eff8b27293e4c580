"""JSON Lines: one article per line with title, text, url, outlet, published (and optional html, author, id).

Common exports name the fields differently; the aliases in `_ALIASES` are read when the
canonical field is absent (news-please: `maintext`, `date_publish`, `source_domain`; NewsAPI:
`content`, `publishedAt`, `source: {"name": ...}`; schema.org: `headline`, `datePublished`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import IO

from storyline.models import RawDocument, Rejection

_FIELDS = ("title", "url", "outlet", "published", "author")
# canonical field -> other names for it, tried in order when the canonical one is missing or empty
_ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("headline",),
    "text": ("body", "maintext", "content", "article"),
    "url": ("link",),
    "outlet": ("source", "publisher", "site_name", "source_domain"),
    "published": ("date", "published_at", "publishedAt", "pubDate", "datePublished", "date_publish"),
    "author": ("authors", "byline"),
}


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
        text, html = _field(record, "text"), record.get("html")
        if text is None and not isinstance(html, str):
            yield Rejection(record_id, "no 'text' or 'html' field; add the article body as 'text'")
            continue
        meta = {k: v for k in _FIELDS if (v := _field(record, k)) is not None}
        yield RawDocument(
            input=f"{source}#{record['id']}" if record.get("id") not in (None, "") else record_id,
            kind="jsonl",
            text=text or "",
            html=html if isinstance(html, str) and text is None else "",
            **meta,
        )


def _field(record: dict, name: str) -> str | None:
    """The record's value for a canonical field, or for the first of its aliases that is set: a
    string, a list of strings joined ("authors"), or an object's "name" (NewsAPI's source)."""
    for key in (name, *_ALIASES.get(name, ())):
        value = record.get(key)
        if isinstance(value, dict):
            value = value.get("name")
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value if isinstance(v, (str, int, float)) and str(v).strip())
        if isinstance(value, (int, float)) and not isinstance(value, bool) and name != "text":
            value = _epoch_iso(value) if name == "published" else str(value)
        if isinstance(value, str) and value.strip():
            return value
    return None


def _epoch_iso(seconds: float) -> str | None:
    """A Unix timestamp (seconds, or milliseconds past 1e11) as an ISO UTC datetime."""
    if seconds > 1e11:
        seconds /= 1000
    try:
        return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).isoformat()
    except (OverflowError, OSError, ValueError):
        return None


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
