"""Resolve command-line inputs (files, folders, URLs, stdin) into RawDocuments or Rejections."""

from __future__ import annotations

import io
import json
import logging
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from storyline.config import Settings
from storyline.errors import InputError, StorylineError
from storyline.ingest.decode import decode_bytes
from storyline.ingest.jsonl import jsonl_documents
from storyline.ingest.text import text_document
from storyline.ingest.warc import warc_documents
from storyline.models import RawDocument, Rejection

log = logging.getLogger(__name__)

TEXT_EXT = {".txt", ".text"}
MARKDOWN_EXT = {".md", ".markdown"}
HTML_EXT = {".html", ".htm", ".xhtml"}
FEED_EXT = {".rss", ".atom", ".xml", ".feed"}
JSONL_EXT = {".jsonl", ".ndjson"}
URLS_EXT = {".urls"}
SIDECAR_SUFFIX = ".meta.json"

Item = RawDocument | Rejection


@dataclass
class SourceOptions:
    """How to read inputs: outlet names and whether to go to the network."""

    outlet: str | None = None  # --outlet: one outlet for every input without its own
    outlet_map: dict[str, str] = field(default_factory=dict)  # file name or URL host -> outlet
    fetch: bool = True  # follow feed items and URL lists over HTTP


def iter_sources(inputs: list[str], settings: Settings, options: SourceOptions) -> Iterator[Item]:
    """Every document of every input, in order; failures become Rejections and the batch goes on."""
    for spec in inputs:
        try:
            if spec == "-":
                yield from _from_bytes(sys.stdin.buffer.read(settings.max_document_bytes + 1), "<stdin>", "", settings, options)
            elif spec.startswith(("http://", "https://")):
                yield from _from_url(spec, settings, options)
            elif os.path.isdir(spec):
                for path in sorted(Path(spec).rglob("*")):
                    if path.is_file() and not _skip(path):
                        yield from _safe_file(path, settings, options)
            elif os.path.exists(spec):
                yield from _safe_file(Path(spec), settings, options)
            else:
                yield Rejection(spec, "no such file, folder or URL; check the path (URLs must start with http:// or https://)")
        except StorylineError as exc:
            yield Rejection(spec, exc.message)


KNOWN_EXT = TEXT_EXT | MARKDOWN_EXT | HTML_EXT | FEED_EXT | JSONL_EXT | URLS_EXT | {".json", ".warc", ".gz", ".arc"}
_NOT_ARTICLES = ("readme", "license", "licence", "changelog", "outlets.json")


def _skip(path: Path) -> bool:
    """In a folder walk, read only article-like files: no hidden files, sidecars, READMEs or code."""
    name = path.name.lower()
    return (
        any(part.startswith(".") for part in path.parts if part not in (".", ".."))
        or name.endswith(SIDECAR_SUFFIX)
        or name.startswith(_NOT_ARTICLES)
        or path.suffix.lower() not in KNOWN_EXT
    )


def _safe_file(path: Path, settings: Settings, options: SourceOptions) -> Iterator[Item]:
    try:
        yield from _from_file(path, settings, options)
    except StorylineError as exc:
        yield Rejection(str(path), exc.message)
    except OSError as exc:
        yield Rejection(str(path), f"cannot read the file ({exc.strerror}); check permissions")


def _from_file(path: Path, settings: Settings, options: SourceOptions) -> Iterator[Item]:
    name = path.name.lower()
    source = str(path)
    if name.endswith((".warc", ".warc.gz", ".arc", ".arc.gz")):
        with path.open("rb") as fh:
            yield from warc_documents(fh, source, settings.max_record_bytes, settings.max_warc_bytes)
        return
    if path.suffix.lower() in JSONL_EXT:
        with path.open("rb") as fh:
            yield from jsonl_documents(fh, source, settings.max_record_bytes)
        return
    size = path.stat().st_size
    if size > settings.max_document_bytes:
        yield Rejection(source, f"file is {size / 2**20:.1f} MB, above the {settings.max_document_bytes / 2**20:.0f} MB limit for one document; split it or raise max_document_bytes")
        return
    with path.open("rb") as fh:
        data = fh.read(settings.max_document_bytes + 1)
    yield from _from_bytes(data, source, path.suffix.lower(), settings, options, meta=_metadata(path, options))


def _metadata(path: Path, options: SourceOptions) -> dict[str, str]:
    """Sidecar NAME.meta.json, then folder outlets.json, then the outlet map, then --outlet."""
    meta: dict[str, str] = {}
    sidecar = path.with_name(path.name + SIDECAR_SUFFIX)
    folder_map = path.parent / "outlets.json"
    for candidate in (sidecar,):
        if candidate.exists():
            meta.update({k: str(v) for k, v in _read_json(candidate).items() if v is not None})
    if "outlet" not in meta and folder_map.exists():
        outlet = _read_json(folder_map).get(path.name)
        if outlet:
            meta["outlet"] = str(outlet)
    if "outlet" not in meta:
        outlet = options.outlet_map.get(path.name) or options.outlet
        if outlet:
            meta["outlet"] = outlet
    return meta


def _read_json(path: Path) -> dict[str, object]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: metadata file is not valid JSON ({exc}).", fix="Fix or remove the file.") from exc
    if not isinstance(data, dict):
        raise InputError(f"{path}: metadata file must hold a JSON object.", fix="Write it as {\"outlet\": \"...\"}.")
    return data


def sniff_kind(data: bytes, suffix: str) -> str:
    """text | markdown | html | feed | jsonl | warc | urls, from the extension, then the content."""
    head = data[:4096].lstrip().lower()
    if head.startswith(b"warc/"):
        return "warc"
    if suffix in HTML_EXT:
        return "html"
    if suffix in FEED_EXT:
        return "feed"
    if suffix in JSONL_EXT:
        return "jsonl"
    if suffix in URLS_EXT:
        return "urls"
    if suffix in MARKDOWN_EXT:
        return "markdown"
    if suffix in TEXT_EXT:
        return "text"
    if head.startswith(b"\x1f\x8b"):
        return "warc"
    if b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head or b"jsonfeed.org" in head:
        return "feed"
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head:
        return "html"
    if head.startswith(b"{"):
        return "jsonl"
    lines = [ln.strip() for ln in data[:4096].splitlines() if ln.strip()]
    if lines and all(ln.startswith((b"http://", b"https://")) for ln in lines):
        return "urls"
    return "text"


def _from_bytes(data: bytes, source: str, suffix: str, settings: Settings, options: SourceOptions, meta: dict[str, str] | None = None) -> Iterator[Item]:
    if len(data) > settings.max_document_bytes:
        yield Rejection(source, f"input is larger than the {settings.max_document_bytes / 2**20:.0f} MB limit for one document; split it or raise max_document_bytes")
        return
    kind = sniff_kind(data, suffix)
    meta = meta or ({"outlet": options.outlet} if options.outlet else {})
    if kind == "warc":
        yield from warc_documents(io.BytesIO(data), source, settings.max_record_bytes, settings.max_warc_bytes)
    elif kind == "jsonl":
        yield from jsonl_documents(io.BytesIO(data), source, settings.max_record_bytes)
    elif kind == "feed":
        from storyline.ingest.feeds import feed_documents

        with _fetcher(settings, options) as fetcher:
            yield from feed_documents(data, source, fetcher)
    elif kind == "urls":
        for line in decode_bytes(data, source).splitlines():
            url = line.strip()
            if url and not url.startswith("#"):
                yield from _from_url(url, settings, options)
    else:
        text = decode_bytes(data, source)
        if kind == "html":
            yield RawDocument(input=source, kind="html", html=text, **{k: v for k, v in meta.items() if k in ("title", "url", "outlet", "published", "author")})
        else:
            yield text_document(text, source, markdown=kind == "markdown", meta=meta)


class _NoFetcher:
    """Context manager standing in for a Fetcher when network access is off."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _fetcher(settings: Settings, options: SourceOptions):  # type: ignore[no-untyped-def]
    if not options.fetch:
        return _NoFetcher()
    from storyline.ingest.fetch import Fetcher

    return Fetcher(settings)


def _from_url(url: str, settings: Settings, options: SourceOptions) -> Iterator[Item]:
    if not options.fetch:
        yield Rejection(url, "network fetching is switched off (--offline); remove the flag to fetch URLs")
        return
    from storyline.ingest.feeds import feed_documents
    from storyline.ingest.fetch import Fetcher

    with Fetcher(settings) as fetcher:
        try:
            result = fetcher.get(url)
        except StorylineError as exc:
            yield Rejection(url, exc.message)
            return
        ctype = result.content_type.lower()
        if any(t in ctype for t in ("rss", "atom", "xml", "feed+json")) or sniff_kind(result.content, "") == "feed":
            yield from feed_documents(result.content, url, fetcher)
            return
    html = decode_bytes(result.content, url)
    outlet = options.outlet_map.get(_host(result.url)) or options.outlet
    yield RawDocument(input=url, kind="html", html=html, url=result.url, outlet=outlet)


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).hostname or ""
