"""One pure function per document: RawDocument -> Article. Safe to run in a process pool."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from storyline.clean.debris import remove_debris, word_count, words
from storyline.clean.extract import extract_html
from storyline.clean.language import detect_language
from storyline.clean.normalize import _BLANK_LINES, _SPACES, _TRANSLATE
from storyline.errors import InputError
from storyline.models import Article, RawDocument

_MIN_WORDS = 20
# Unicode category Cc (U+0000-U+001F, U+007F-U+009F) less tab and newline: the characters
# normalize_text drops one by one in a Python loop, its slowest step.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# The characters normalize_text translates: found by one regex, translated one match at a time.
_TRANSLATED = re.compile("[" + re.escape("".join(map(chr, _TRANSLATE))) + "]")


def _translate(match: re.Match[str]) -> str:
    return match.group().translate(_TRANSLATE)


def _normalize(text: str) -> str:
    """`normalize_text`, step for step, about seven times faster on an article: the same string.

    Its per-character steps (the translation table, the control-character filter) are
    done by regexes over the whole text, and the space runs (which never span a line)
    are collapsed in one pass. tests/test_service.py checks it against normalize_text.
    TODO: fold into clean/normalize.py and drop this copy.
    """
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL.sub("", _TRANSLATED.sub(_translate, text))
    lines = [line.strip() for line in _SPACES.sub(" ", text).split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def content_hash(text: str, text_words: Sequence[str] | None = None) -> str:
    """Hash of the words only, so whitespace and punctuation changes do not matter.

    `text_words`: `words(text)`, when the caller has it already.
    """
    return hashlib.sha256(" ".join(words(text) if text_words is None else text_words).encode()).hexdigest()


def article_id(input_id: str, text_hash: str) -> str:
    """Stable id: the same content read from the same input always gets the same id."""
    return hashlib.sha256(f"{input_id}\n{text_hash}".encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Prepared:
    """A document after extraction and normalisation, before debris removal."""

    raw: RawDocument
    text: str
    meta: dict[str, str | None]


def prepare_document(raw: RawDocument) -> Prepared:
    """The expensive, per-document half: HTML extraction and normalisation."""
    meta: dict[str, str | None] = {
        "title": raw.title, "url": raw.url, "outlet": raw.outlet, "published": raw.published, "author": raw.author,
    }
    text = raw.text
    if raw.html:
        ex = extract_html(raw.html, raw.input, raw.url)
        text = ex.text
        meta["title"] = raw.title or ex.title
        meta["url"] = raw.url or ex.url
        meta["outlet"] = raw.outlet or ex.site_name
        meta["published"] = raw.published or ex.published
        meta["author"] = raw.author or ex.author
    if meta["title"]:
        meta["title"] = _normalize(meta["title"])
    return Prepared(raw=raw, text=_normalize(text), meta=meta)


def finish_document(prep: Prepared, known_boilerplate: Iterable[str] = ()) -> Article:
    """Debris removal and identity; InputError if nothing article-like is left."""
    return finish_with_words(prep, known_boilerplate)[0]


def line_words(text: str) -> dict[str, list[str]]:
    """`words` of each distinct stripped, non-empty line of `text` (the lines debris removal sees)."""
    out: dict[str, list[str]] = {}
    for line in text.split("\n"):
        line = line.strip()
        if line and line not in out:
            out[line] = words(line)
    return out


def finish_with_words(
    prep: Prepared, known_boilerplate: Iterable[str] = (), lines: Mapping[str, list[str]] | None = None
) -> tuple[Article, list[str]]:
    """`finish_document`, and the words of the article text (for its duplicate signature).

    `lines`: `line_words(prep.text)`, when the caller has it: the text's words are then
    put together from its lines instead of being found again (words never span lines).
    """
    raw, meta = prep.raw, prep.meta
    cleaned = remove_debris(
        prep.text, title=meta["title"], known_boilerplate=known_boilerplate, title_from_text=raw.kind in ("text", "markdown", "jsonl")
    )
    body = "\n\n".join(cleaned.lines)
    n_words = word_count(body)  # counts CJK text without spaces too
    if n_words < _MIN_WORDS:
        raise InputError(
            f"{raw.input}: only {n_words} words of article text after cleaning (need {_MIN_WORDS}).",
            fix="Check that the input is a news article and not an index page, a stub or a paywall.",
        )
    if lines is None:
        body_words = words(body)
    else:
        body_words = []
        for line in cleaned.lines:
            found = lines.get(line)
            body_words.extend(words(line) if found is None else found)
    text_hash = content_hash(body, body_words)
    article = Article(
        id=article_id(raw.input, text_hash),
        input=raw.input,
        kind=raw.kind,
        title=cleaned.title,
        text=body,
        outlet=meta["outlet"],
        url=meta["url"],
        published=meta["published"],
        author=meta["author"],
        language=detect_language(body),
        removed=cleaned.removed,
        content_hash=text_hash,
    )
    return article, body_words


def clean_document(raw: RawDocument, known_boilerplate: Iterable[str] = ()) -> Article:
    """RawDocument -> Article in one call (prepare, then finish)."""
    return finish_document(prepare_document(raw), known_boilerplate)


def short_lines(text: str, max_words: int = 12) -> set[str]:
    """The candidate template lines of one document, for learning an outlet's boilerplate."""
    return {ln.strip() for ln in text.split("\n") if 0 < len(ln.split()) <= max_words}


def outlet_boilerplate(texts_by_outlet: dict[str, Sequence[str]], min_share: float = 0.5) -> dict[str, set[str]]:
    """Short lines that recur in at least half (and at least 3) of an outlet's documents.

    Repetition across one outlet's pages is the strongest sign of a template line
    ("Follow us on ...", a desk name); it needs no vocabulary at all.
    """
    result: dict[str, set[str]] = {}
    for outlet, texts in texts_by_outlet.items():
        if len(texts) < 3:
            continue
        counts: Counter[str] = Counter()
        for text in texts:
            counts.update(short_lines(text))
        need = max(3, int(min_share * len(texts)))
        result[outlet] = {ln for ln, c in counts.items() if c >= need}
    return result
