"""Bytes to text: BOMs, UTF-8, then a detected legacy encoding; binary refused."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from storyline.errors import InputError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters in the head mean not text (after BOM checks)."""
    head = data[:8192]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return bool(head) and controls / len(head) > 0.05


def decode_bytes(data: bytes, source: str) -> str:
    """Decode `data` read from `source`; raise InputError for empty or binary input."""
    if not data.strip():
        raise InputError(f"{source}: the file is empty.", fix="Remove it from the inputs or check the download.")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, errors="replace")
    if looks_binary(data):
        raise InputError(
            f"{source}: this is a binary file, not text, HTML, a feed, JSONL or a WARC.",
            fix="Pass only article inputs; convert PDFs or documents to text first.",
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data[:200_000]).best()
    encoding = best.encoding if best is not None else "cp1252"
    # Western news sites mislabelled as latin-1 are nearly always cp1252 (curly quotes in 0x80-0x9f).
    if encoding in ("latin_1", "iso8859_1", "iso-8859-1"):
        encoding = "cp1252"
    return data.decode(encoding, errors="replace")
