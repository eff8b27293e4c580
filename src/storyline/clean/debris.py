"""Remove the web debris that survives in scraped article text, keeping every body line.

The decisions come from structure, not from a list of known lines:

* position: the *header* (lines before the first body paragraph) and the *tail* (lines
  after the last one) hold labels, bylines and teasers; the middle holds the body;
* shape: body paragraphs are long and end like sentences; debris is short, has no
  sentence punctuation, is a bare label ("Date:"), a symbol fragment ("+ posts"), or a
  truncated teaser ("... to the investment banking...");
* vocabulary of page furniture: short lines made of words that name page parts or
  calls to action (related, read, share, subscribe, comment, advertisement, ...);
* repetition: a line that repeats the headline, or that recurs across articles of the
  same outlet (passed in as `known_boilerplate`).

A line is only removed with a reason; nothing that reads like a body sentence in the
middle of the article is ever dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from storyline.models import Removed

# Words that name parts of a web page or calls to action. A short line made mostly of
# these is furniture, never reporting. (Generic web vocabulary, not taken from any input.)
FURNITURE_WORDS = frozenset(
    """
    advertisement advertising ad ads sponsored sponsor sponsors promoted partner content
    related read also more next previous prev recommended popular trending latest top
    stories story posts post articles article news headlines reading now others you may
    like might interested see watch video videos photo photos gallery image images
    share shares sharing tweet facebook twitter linkedin whatsapp email print copy link
    subscribe subscription newsletter newsletters sign up login log in register follow us
    comment comments reply replies leave a your the to our this on and of for in with here
    click tap continue below above categories category tags tag topics topic filed under
    menu search home skip main navigation cookie cookies privacy policy terms accept
    please enter name website save my browser time next required fields marked
    author authors editor bio about contact us all rights reserved copyright
    updated published date by
    """.split()
)
# Words that must appear for a short line to count as furniture (not just "the" and "of").
CUE_WORDS = frozenset(
    """
    advertisement advertising ad ads sponsored sponsor sponsors promoted related read
    recommended popular trending stories posts articles share sharing tweet subscribe
    subscription newsletter newsletters sign login register follow comment comments reply
    replies click tap categories category tags tag topics filed menu search navigation
    cookie cookies privacy enter required copyright rights bio author authors
    """.split()
)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?][\"')\]]*$")
_TRUNCATED = re.compile(r"(\.\.\.|…|\[\.\.\.\]|\[…\])\s*$")
_EMPTY_LABEL = re.compile(r"^[\w][\w .'/-]{0,30}:\s*$")
_SYMBOL_FRAGMENT = re.compile(r"^[^\w\s]+\s*\w{0,12}$|^\w{0,12}\s*[^\w\s]+$")
_COPYRIGHT = re.compile(r"^(©|\(c\)|copyright\b)|all rights reserved", re.IGNORECASE)
_BODY_MIN_WORDS = 15


@dataclass(frozen=True)
class Cleaned:
    title: str | None
    lines: tuple[str, ...]
    removed: tuple[Removed, ...]


def words(line: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(line)]


def is_body_paragraph(line: str) -> bool:
    """A line that reads like reporting: long enough and ending like a sentence."""
    n = len(line.split())
    if _TRUNCATED.search(line):
        return False
    return n >= _BODY_MIN_WORDS or (n >= 8 and bool(_SENTENCE_END.search(line)))


def is_furniture(line: str) -> bool:
    """A short line made of page-furniture vocabulary, with at least one cue word."""
    ws = words(line)
    if not ws or len(ws) > 8 or _SENTENCE_END.search(line) and len(ws) > 4:
        return False
    furniture = sum(w in FURNITURE_WORDS for w in ws)
    return furniture / len(ws) >= 0.75 and any(w in CUE_WORDS for w in ws)


def same_text(a: str, b: str) -> bool:
    return words(a) == words(b) and bool(words(a))


def line_kind(line: str) -> str | None:
    """Reason a line is debris wherever it stands, or None."""
    stripped = line.strip()
    if _COPYRIGHT.search(stripped) and len(stripped.split()) <= 25:
        return "copyright line"
    if _EMPTY_LABEL.match(stripped):
        return "empty label"
    if _SYMBOL_FRAGMENT.match(stripped) and len(stripped.split()) <= 2:
        return "author-box or widget fragment"
    if is_furniture(stripped):
        return "page furniture (navigation, share or comment prompt, related-content label)"
    return None


def _title_index(lines: list[str], first_body: int) -> int | None:
    """The headline: the first line before the body with at least four words."""
    for i in range(first_body):
        if len(lines[i].split()) >= 4 and not _TRUNCATED.search(lines[i]) and line_kind(lines[i]) is None:
            return i
    return None


def remove_debris(
    text: str,
    *,
    title: str | None = None,
    known_boilerplate: Iterable[str] = (),
    title_from_text: bool = True,
) -> Cleaned:
    """Split `text` into body lines and removed debris.

    `title` is the headline from metadata when there is one; otherwise, with
    `title_from_text`, the headline is taken from the header of the text.
    """
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    index_of = _line_numbers(text)
    boilerplate = {" ".join(words(b)) for b in known_boilerplate if words(b)}
    body_idx = [i for i, ln in enumerate(lines) if is_body_paragraph(ln)]
    first_body = body_idx[0] if body_idx else len(lines)
    last_body = body_idx[-1] if body_idx else -1

    reasons: dict[int, str] = {}
    if title is None and title_from_text:
        t = _title_index(lines, first_body)
        if t is not None:
            title = lines[t]
            reasons[t] = "headline (kept as title)"
    # Header: everything before the first body paragraph that is not the title or a deck.
    for i in range(first_body):
        if i in reasons:
            continue
        ln = lines[i]
        if title and same_text(ln, title):
            reasons[i] = "headline repeated in the body"
        elif (kind := line_kind(ln)) is not None:
            reasons[i] = kind
        elif len(ln.split()) <= 3:
            reasons[i] = "section label or kicker before the headline" if title is None or i < _first_index(lines, title) else "label between headline and body"
        elif len(ln.split()) < 6 and not _SENTENCE_END.search(ln):
            reasons[i] = "label between headline and body"
    # Middle: only unmistakable debris, never a sentence.
    for i in range(first_body, last_body + 1):
        ln = lines[i]
        if is_body_paragraph(ln):
            continue
        if title and same_text(ln, title):
            reasons[i] = "headline repeated in the body"
        elif (kind := line_kind(ln)) is not None:
            reasons[i] = kind
        elif " ".join(words(ln)) in boilerplate:
            reasons[i] = "line repeated across this outlet's articles"
    _mark_tail(lines, last_body, reasons, boilerplate)
    # The headline line itself is metadata, not debris: it leaves the body without a Removed entry.
    removed = tuple(
        Removed(text=lines[i], reason=r, line=index_of[i]) for i, r in sorted(reasons.items()) if not r.startswith("headline (kept")
    )
    kept = tuple(ln for i, ln in enumerate(lines) if i not in reasons)
    return Cleaned(title=title, lines=kept, removed=removed)


def _mark_tail(lines: list[str], last_body: int, reasons: dict[int, str], boilerplate: set[str]) -> None:
    """After the last body paragraph: labels, teasers of other stories, comment forms."""
    in_teasers = False
    for i in range(last_body + 1, len(lines)):
        ln = lines[i]
        kind = line_kind(ln)
        if kind is not None:
            reasons[i] = kind
            in_teasers = in_teasers or "related" in ln.lower() or "read" in ln.lower() or "furniture" in kind
        elif " ".join(words(ln)) in boilerplate:
            reasons[i] = "line repeated across this outlet's articles"
        elif in_teasers and (_TRUNCATED.search(ln) or not _SENTENCE_END.search(ln)):
            reasons[i] = "teaser of another article after a related-content label"
        elif not _SENTENCE_END.search(ln) and len(ln.split()) <= 6:
            reasons[i] = "trailing label after the article"
        elif _TRUNCATED.search(ln):
            reasons[i] = "truncated teaser after the article"
    # Teaser blocks that run to the end of the page are debris even when a teaser line
    # ends with a full stop: they follow a related-content label and precede nothing.


def _first_index(lines: list[str], title: str) -> int:
    for i, ln in enumerate(lines):
        if same_text(ln, title):
            return i
    return -1


def _line_numbers(text: str) -> list[int]:
    """Original line number of each non-empty line, so `Removed.line` points into the input."""
    return [n for n, ln in enumerate(text.split("\n")) if ln.strip()]
