"""Article text and metadata from HTML, with trafilatura."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import trafilatura

from storyline.errors import InputError

log = logging.getLogger(__name__)

# trafilatura's own threshold for a too-short extraction (settings MIN_EXTRACTED_SIZE).
_SHORT_TEXT = 250
# Blocks whose every word is link text: a paragraph of four words or more that is all links
# ("SEE ALSO THIS OTHER STORY"), and lists of two items or more that are only links
# (related stories, navigation). Reporting is not all link text; trafilatura's own link
# density tests let such blocks through when they are long enough. Pruned after the
# metadata is read, so bylines and tags still count there.
_ALL_LINKS = "not(.//text()[normalize-space(translate(., '\u00a0\u200b', '  '))][not(ancestor::a)])"
_FOUR_WORDS = "string-length(normalize-space(.)) - string-length(translate(normalize-space(.), ' ', '')) >= 3"
_PRUNE_XPATH = [
    f"//p[{_ALL_LINKS}][{_FOUR_WORDS}]",
    f"//ul[li[2]][{_ALL_LINKS}]",
    f"//ol[li[2]][{_ALL_LINKS}]",
]
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
    """Main text (paragraphs as lines) and metadata; InputError when the page has no article.

    First pass: trafilatura's own extractor alone (`fast`, no readability/jusText fallback).
    On news pages the fallback mostly swaps a clean article for a longer text that takes in
    teasers and page furniture, so it only runs as a second pass, without metadata, when
    the first pass found no text or less than trafilatura's minimum (250 characters); the
    longer of the two texts wins.
    """
    doc = _extract(html, source, url, fast=True, with_metadata=True)
    text = (doc.text or "").strip() if doc is not None else ""
    if len(text) < _SHORT_TEXT:
        rescue = _extract(html, source, url, fast=False, with_metadata=False)
        rescue_text = (rescue.text or "").strip() if rescue is not None else ""
        if len(rescue_text) > len(text):
            text = rescue_text
            if doc is None:
                doc = rescue
    if doc is None or not text:
        raise InputError(
            f"{source}: no article text found in the HTML page.",
            fix="Check that the page is an article and not an index, a login wall or a script-only page.",
        )
    return Extracted(
        text=text,
        title=doc.title or None,
        author=doc.author or None,
        published=doc.date or None,
        site_name=doc.sitename or None,
        url=doc.url or url,
        language=getattr(doc, "language", None) or None,
    )


def _extract(html: str, source: str, url: str | None, *, fast: bool, with_metadata: bool):  # -> trafilatura Document | None
    try:
        return trafilatura.bare_extraction(
            html,
            url=url,
            fast=fast,
            with_metadata=with_metadata,
            include_comments=False,
            include_tables=True,
            date_extraction_params=_DATE_PARAMS,
            prune_xpath=_PRUNE_XPATH,
        )
    except (ValueError, TypeError) as exc:  # lxml raises these on hopeless markup
        raise InputError(f"{source}: the HTML could not be parsed ({exc}).", fix="Check that the file is a web page.") from exc
