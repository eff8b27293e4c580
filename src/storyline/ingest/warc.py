"""WARC / WARC.gz crawls: each HTTP response record with an HTML body is one page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord
from warcio.exceptions import ArchiveLoadFailed

from storyline.ingest.decode import decode_bytes
from storyline.errors import InputError
from storyline.models import RawDocument, Rejection

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def warc_documents(stream: IO[bytes], source: str, max_record_bytes: int, max_total_bytes: int) -> Iterator[RawDocument | Rejection]:
    """Yield HTML pages from response records, with a decompressed-size cap per record and per file."""
    total = 0
    end = 0  # where the last complete record ended: bytes after it mean a cut or damaged file
    try:
        records = ArchiveIterator(stream)
        for record in records:
            yield from _record_document(record, source, max_record_bytes)
            records.read_to_end(record)
            end = records.get_record_offset() + records.get_record_length()
            total += record.length or 0
            if total > max_total_bytes:
                yield Rejection(source, f"WARC decompresses to more than {max_total_bytes} bytes; stopped reading (raise max_warc_bytes if intended)")
                return
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as exc:
        yield Rejection(source, f"not a readable WARC file or truncated ({exc}); the records before the damage were kept")
        return
    trailing = _remaining(stream, end)
    if trailing:
        yield Rejection(source, f"{trailing} bytes after the last complete record could not be read (truncated or damaged WARC); the complete records were kept")


def _remaining(stream: IO[bytes], end: int) -> int:
    try:
        stream.seek(0, 2)
        return max(0, stream.tell() - end)
    except (OSError, ValueError):
        return 0


def _record_document(record: ArcWarcRecord, source: str, max_record_bytes: int) -> Iterator[RawDocument | Rejection]:
    """The HTML page of one response record, or nothing for other records."""
    if record.rec_type not in ("response", "resource"):
        return
    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
    record_id = f"{source}#{uri or record.rec_headers.get_header('WARC-Record-ID')}"
    headers = record.http_headers
    ctype = (headers.get_header("Content-Type") if headers else record.rec_headers.get_header("Content-Type")) or ""
    if headers and not headers.get_statuscode().startswith("2"):
        return
    if ctype and not any(t in ctype.lower() for t in _HTML_TYPES):
        return
    # content_stream() undoes chunking and Content-Encoding lazily: reading at most
    # limit + 1 bytes is what keeps a gzip bomb from inflating in memory.
    body = record.content_stream().read(max_record_bytes + 1)
    if len(body) > max_record_bytes:
        yield Rejection(record_id, f"record body larger than {max_record_bytes} bytes after decompression (possible gzip bomb); skipped")
        return
    try:
        html = decode_bytes(body, record_id)
    except InputError as exc:
        yield Rejection(record_id, exc.message)
        return
    # WARC-Date is when the page was crawled, not published: trafilatura reads the page's own date.
    yield RawDocument(input=record_id, kind="warc", html=html, url=uri or None)
