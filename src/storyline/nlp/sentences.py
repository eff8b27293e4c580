"""Where things are in an article's text: sentences, paragraphs and quotation marks.

Cheap helpers shared by the per-article extractors; no model is loaded here.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from typing import Any, Protocol, TypeVar

from storyline.nlp.types import SentenceInfo

_OPEN_CLOSE = {"\u201c": "\u201d", "\u00ab": "\u00bb", "\u201e": "\u201c"}
_STRAIGHT = '"'
_QUOTE_CHARS = re.compile("[" + re.escape("".join(sorted({*_OPEN_CLOSE, *_OPEN_CLOSE.values(), _STRAIGHT, "\u201d"}))) + "]")


def sentence_infos(doc: Any, text: str | None = None) -> tuple[SentenceInfo, ...]:
    """One SentenceInfo per spaCy sentence, never crossing a paragraph break (blank line)."""
    out: list[SentenceInfo] = []
    text = doc.text if text is None else text
    for sent in doc.sents:
        start, end = sent.start_char, sent.end_char
        # spaCy occasionally runs a sentence over a paragraph break; split it there.
        pieces = [(start, end)]
        if "\n\n" in text[start:end]:
            pieces = []
            cursor = start
            for m in re.finditer(r"\n\s*\n", text[start:end]):
                pieces.append((cursor, start + m.start()))
                cursor = start + m.end()
            pieces.append((cursor, end))
        for s, e in pieces:
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if e > s:
                out.append(SentenceInfo(index=len(out), start=s, end=e, text=text[s:e]))
    return tuple(out)


class SentenceLocator:
    """Maps a character offset to the index of the sentence that contains it (O(log n))."""

    def __init__(self, sentences: Sequence[SentenceInfo]) -> None:
        self._starts = [s.start for s in sentences]
        self._sentences = sentences

    def index(self, offset: int) -> int:
        if not self._starts:
            return 0
        return max(0, bisect_right(self._starts, offset) - 1)

    def __len__(self) -> int:
        return len(self._sentences)


_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z'\u2019.\-]+(?:[ \-][A-Z][A-Z'\u2019.\-]+)*)(?:,\s*[A-Z][A-Za-z.]+)*"
    r"(?:,?\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:st|nd|rd|th)?(?:,\s+\d{4})?)?\s*(?:\([^)\n]{1,40}\))?\s*[-\u2013\u2014]+\s",
    re.M,
)


def datelines_to_places(text: str) -> str:
    """`text` with each paragraph-opening dateline cut down to its place, in title case:
    "YSTREL, June 18 (Meridian Wire) - Lawmakers" -> "Ystrel Lawmakers"."""
    return _DATELINE.sub(lambda m: m["place"].title() + " ", text)


def dateline_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of datelines that open a paragraph: "MOSCOW, May 8 (Reuters) - "."""
    return [(m.start(), m.end()) for m in _DATELINE.finditer(text)]


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph: blocks separated by blank lines (or single newlines)."""
    spans = []
    for m in re.finditer(r"[^\n]+", text):
        if m.group().strip():
            spans.append((m.start(), m.end()))
    return spans


def quotation_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the text inside each pair of quotation marks, paragraph by paragraph.

    Curly quotes pair by direction; straight double quotes pair in order within a paragraph.
    A quote left open runs to the end of its paragraph (multi-paragraph quotes reopen there).
    Offsets exclude the marks themselves.
    """
    spans: list[tuple[int, int]] = []
    for p_start, p_end in paragraph_spans(text):
        para = text[p_start:p_end]
        open_at: int | None = None
        closer = ""
        for m in _QUOTE_CHARS.finditer(para):  # only quotation marks change the state below
            i, ch = m.start(), m.group()
            if open_at is None:
                if ch in _OPEN_CLOSE:
                    open_at, closer = i, _OPEN_CLOSE[ch]
                elif ch == _STRAIGHT:
                    open_at, closer = i, _STRAIGHT
                elif ch == "\u201d":  # a closing curly quote used as an opener by sloppy markup
                    open_at, closer = i, "\u201d"
            elif ch == closer or (closer == _STRAIGHT and ch == "\u201d") or (closer == "\u201d" and ch == _STRAIGHT):
                if i > open_at + 1:
                    spans.append((p_start + open_at + 1, p_start + i))
                open_at = None
        if open_at is not None and len(para) - open_at > 2:
            spans.append((p_start + open_at + 1, p_end))
    return spans


def inside_any(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    """True when [start, end) lies within one of `spans`."""
    return any(s <= start and end <= e for s, e in spans)


class _Span(Protocol):
    priority: int
    start: int
    end: int


S = TypeVar("S", bound=_Span)


def non_overlapping(found: list[S]) -> list[S]:
    """Non-overlapping matches in text order: higher priority (lower number), then longer, wins."""
    taken: list[S] = []
    for c in sorted(found, key=lambda c: (c.priority, -(c.end - c.start), c.start)):
        if not any(c.start < t.end and t.start < c.end for t in taken):
            taken.append(c)
    taken.sort(key=lambda c: c.start)
    return taken
