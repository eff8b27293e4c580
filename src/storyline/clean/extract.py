"""Article text and metadata from HTML, with trafilatura."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import trafilatura

from storyline.errors import InputError

log = logging.getLogger(__name__)

# Only dates the page states as its own (meta tags, structured data), never a date
# guessed from the body: event dates from the text are a later, evidence-based stage.
_DATE_PARAMS = {"extensive_search": False, "original_date": True}


@dataclass(frozen=True)
class Extracted:
    text: str
    title: str | None
    author: str | None
    published: str | None
    site_name: str | None
    url: str | None
    language: str | None


def extract_html(html: str, source: str, url: str | None = None) -> Extracted:
    """Main text (paragraphs as lines) and metadata; InputError when the page has no article."""
    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            date_extraction_params=_DATE_PARAMS,
        )
    except (ValueError, TypeError) as exc:  # lxml raises these on hopeless markup
        raise InputError(f"{source}: the HTML could not be parsed ({exc}).", fix="Check that the file is a web page.") from exc
    if doc is None or not (doc.text or "").strip():
        raise InputError(
            f"{source}: no article text found in the HTML page.",
            fix="Check that the page is an article and not an index, a login wall or a script-only page.",
        )
    return Extracted(
        text=doc.text,
        title=doc.title or None,
        author=doc.author or None,
        published=doc.date or None,
        site_name=doc.sitename or None,
        url=doc.url or url,
        language=getattr(doc, "language", None) or None,
    )
