"""RSS, Atom and JSON Feed input.

XML is checked with defusedxml before feedparser sees it, so entity tricks
(billion laughs, external entities such as file:///etc/passwd) never expand.
"""

from __future__ import annotations

import calendar
import codecs
import html
import io
import json
import logging
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any
from xml.etree.ElementTree import ParseError

import defusedxml
import defusedxml.ElementTree
import feedparser

from storyline.errors import InputError, StorylineError, UnsupportedInput
from storyline.models import RawDocument, Rejection

if TYPE_CHECKING:
    from storyline.ingest.fetch import Fetcher

log = logging.getLogger(__name__)

MIN_FALLBACK_WORDS = 80  # below this a feed's own text is a teaser, not an article
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


@dataclass(frozen=True)
class FeedItem:
    title: str | None
    url: str | None
    published: str | None  # ISO 8601
    author: str | None
    summary_html: str
    content_html: str
    feed_title: str | None
    guid: str | None = None  # the item's id, stable across fetches of the feed


# -- parsing ---------------------------------------------------------------


def parse_feed(data: bytes, source: str) -> list[FeedItem]:
    """Parse an RSS, Atom or JSON Feed document. Raises InputError naming `source`."""
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"{"):
        return _parse_json_feed(stripped, source)
    _refuse_unsafe_xml(data, source)
    return _parse_xml_feed(data, source)


def _refuse_unsafe_xml(data: bytes, source: str) -> None:
    """Reject entity declarations and external references before any parser expands them."""
    fix = "Only plain RSS/Atom feeds are accepted; a feed with entity declarations is malformed or hostile."
    try:
        # A DOCTYPE alone is fine (RSS 0.91 feeds carry one); declaring entities is not.
        defusedxml.ElementTree.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except defusedxml.DefusedXmlException as exc:
        raise InputError(f"{source} was refused: its XML {_describe_defused(exc)}.", fix=fix) from exc
    except ParseError:
        # Not well-formed: feedparser's lenient parser may still read it, but the strict
        # check above could not look at the DTD, so refuse any entity declaration outright.
        if _ENTITY_DECL.search(data) or _ENTITY_DECL.search(_utf16_view(data)):
            raise InputError(f"{source} was refused: it declares XML entities.", fix=fix) from None


def _describe_defused(exc: Exception) -> str:
    if isinstance(exc, defusedxml.EntitiesForbidden) and (exc.sysid or exc.pubid):
        return f"declares the external entity {exc.name!r} ({exc.sysid or exc.pubid}), which could read local files"
    if isinstance(exc, defusedxml.EntitiesForbidden):
        return f"declares the entity {exc.name!r} (entity expansion such as 'billion laughs' is not allowed)"
    if isinstance(exc, defusedxml.ExternalReferenceForbidden):
        return f"references an external resource ({exc.sysid or exc.pubid}), which is not allowed"
    if isinstance(exc, defusedxml.DTDForbidden):
        return "has a DTD, which is not allowed"
    return f"is unsafe ({type(exc).__name__})"


def _utf16_view(data: bytes) -> bytes:
    """UTF-16 feeds hide '<!ENTITY' from a byte search; re-encode them to look."""
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return data.decode("utf-16", errors="replace").encode("utf-8")
    return b""


def _parse_xml_feed(data: bytes, source: str) -> list[FeedItem]:
    headers = {"content-location": source} if source.startswith(("http://", "https://")) else None
    # A stream, not bytes: given bytes, feedparser first tries them as a file name to open.
    parsed = feedparser.parse(io.BytesIO(data), response_headers=headers)
    entries = parsed.get("entries") or []
    if not entries:
        if parsed.get("bozo"):
            problem = parsed.get("bozo_exception")
            raise InputError(
                f"{source} is not a readable feed: {problem or 'malformed XML'}.",
                fix="Check that the URL or file is an RSS, Atom or JSON feed and not an HTML page.",
            )
        if not parsed.get("version"):
            raise InputError(
                f"{source} is not an RSS, Atom or JSON feed.",
                fix="Point Storyline at the feed itself (often /feed, /rss or /atom.xml).",
            )
        return []
    if parsed.get("bozo"):
        log.debug("%s parsed with problems: %s", source, parsed.get("bozo_exception"))
    feed_title = parsed.feed.get("title") or None
    return [_xml_item(entry, feed_title) for entry in entries]


def _xml_item(entry: Any, feed_title: str | None) -> FeedItem:
    content_html = ""
    for content in entry.get("content") or []:
        value = content.get("value") or ""
        if not value:
            continue
        content_html = value if "html" in (content.get("type") or "html") else _text_to_html(value)
        break
    summary = entry.get("summary") or ""
    summary_type = (entry.get("summary_detail") or {}).get("type") or "text/html"
    summary_html = summary if "html" in summary_type else _text_to_html(summary)
    struct = entry.get("published_parsed") or entry.get("updated_parsed")
    published = _struct_to_iso(struct) if struct else None
    return FeedItem(
        title=entry.get("title") or None,
        url=entry.get("link") or None,
        published=published,
        author=entry.get("author") or None,
        summary_html=summary_html,
        content_html=content_html,
        feed_title=feed_title,
        guid=entry.get("id") or None,
    )


def _struct_to_iso(struct: time.struct_time) -> str | None:
    try:
        # feedparser normalises dates to UTC struct_time.
        return datetime.fromtimestamp(calendar.timegm(struct), tz=timezone.utc).isoformat()
    except (OverflowError, ValueError, OSError):
        return None


def _parse_json_feed(data: bytes, source: str) -> list[FeedItem]:
    """JSON Feed 1.0/1.1 (https://jsonfeed.org/version/1.1)."""
    try:
        doc = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{source} looks like JSON but does not parse: {exc}.", fix="Check that it is a complete JSON Feed.") from exc
    if not isinstance(doc, dict) or "jsonfeed.org" not in str(doc.get("version", "")):
        raise InputError(
            f"{source} is JSON but not a JSON Feed (no jsonfeed.org version).",
            fix="Use an RSS, Atom or JSON Feed (https://jsonfeed.org) document.",
        )
    items = doc.get("items")
    if not isinstance(items, list):
        raise InputError(f"{source} is a JSON Feed without an 'items' list.", fix="Check the feed; 'items' is required.")
    feed_title = _str_or_none(doc.get("title"))
    feed_author = _json_author(doc)
    result: list[FeedItem] = []
    for item in items:
        if not isinstance(item, dict):
            log.warning("%s: skipping a JSON Feed item that is not an object", source)
            continue
        summary = _str_or_none(item.get("summary")) or ""
        content_html = _str_or_none(item.get("content_html")) or _text_to_html(_str_or_none(item.get("content_text")) or "")
        published = _iso_or_none(item.get("date_published") or item.get("date_modified"))
        guid = item.get("id")
        result.append(
            FeedItem(
                title=_str_or_none(item.get("title")),
                url=_str_or_none(item.get("url")) or _str_or_none(item.get("external_url")),
                published=published,
                author=_json_author(item) or feed_author,
                summary_html=_text_to_html(summary),
                content_html=content_html,
                feed_title=feed_title,
                guid=str(guid) if isinstance(guid, (str, int)) else None,
            )
        )
    return result


def _json_author(obj: dict[str, Any]) -> str | None:
    authors = obj.get("authors")  # 1.1
    if isinstance(authors, list) and authors and isinstance(authors[0], dict):
        return _str_or_none(authors[0].get("name"))
    author = obj.get("author")  # 1.0
    if isinstance(author, dict):
        return _str_or_none(author.get("name"))
    return None


def _str_or_none(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _iso_or_none(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.strip()).isoformat()
    except ValueError:
        return None


def _text_to_html(text: str) -> str:
    if not text.strip():
        return ""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)


# -- documents -------------------------------------------------------------


def feed_documents(data: bytes, source: str, fetcher: Fetcher | None) -> Iterator[RawDocument | Rejection]:
    """One RawDocument (or Rejection) per feed item.

    With a fetcher, each item's page is fetched; offline, the feed's own text is used.
    A feed that cannot be parsed at all raises InputError on first iteration.
    """
    for index, item in enumerate(parse_feed(data, source)):
        offline_input = f"{source}#{item.guid or index}"
        out: RawDocument | Rejection
        try:
            if item.url and fetcher is not None:
                out = _fetched_or_fallback(item, fetcher)
            else:
                out = _from_feed(item, offline_input)
        except (StorylineError, ValueError) as exc:
            # One bad item must not stop the rest of the feed.
            out = Rejection(input=item.url or offline_input, reason=str(exc))
        yield out


def _fetched_or_fallback(item: FeedItem, fetcher: Fetcher) -> RawDocument | Rejection:
    assert item.url is not None
    try:
        result = fetcher.get(item.url)
        media_type = result.content_type.split(";", 1)[0].strip().lower()
        if media_type and media_type not in _HTML_TYPES:
            raise UnsupportedInput(
                f"{result.url} is {media_type}, not an HTML page.",
                fix="Only HTML article pages can be read from a feed link.",
            )
        page = _decode_html(result.content, result.content_type)
    except StorylineError as exc:
        own = item.content_html or item.summary_html
        if _word_count(own) > MIN_FALLBACK_WORDS:
            log.warning("could not fetch feed item (%s); using the text in the feed", exc.message)
            return _feed_item_document(item, item.url, own)
        return Rejection(input=item.url, reason=str(exc))
    return RawDocument(
        input=item.url,
        kind="html",
        html=page,
        title=item.title,
        url=result.url,
        outlet=item.feed_title,
        published=item.published,
        author=item.author,
    )


def _from_feed(item: FeedItem, input_id: str) -> RawDocument | Rejection:
    own = item.content_html or item.summary_html
    if not own.strip():
        return Rejection(input=input_id, reason="The feed item has no text and no link to fetch.")
    return _feed_item_document(item, input_id, own)


def _feed_item_document(item: FeedItem, input_id: str, markup: str) -> RawDocument:
    return RawDocument(
        input=input_id,
        kind="feed-item",
        html=markup,
        title=item.title,
        url=item.url,
        outlet=item.feed_title,
        published=item.published,
        author=item.author,
    )


def _word_count(markup: str) -> int:
    return len(re.sub(r"<[^>]*>", " ", html.unescape(markup)).split())


def _decode_html(content: bytes, content_type: str) -> str:
    """Bytes to text: header charset, then <meta charset>, then UTF-8 with replacement."""
    candidates: list[str] = []
    header = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", content_type, re.IGNORECASE)
    if header:
        candidates.append(header.group(1))
    meta = _META_CHARSET.search(content[:4096])
    if meta:
        candidates.append(meta.group(1).decode("ascii"))
    for name in candidates:
        try:
            return content.decode(codecs.lookup(name).name, errors="replace")
        except LookupError:
            continue
    return content.decode("utf-8", errors="replace")
