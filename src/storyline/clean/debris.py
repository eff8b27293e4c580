"""Remove the web debris that survives in scraped article text, keeping every body line.

The decisions come from structure, not from a list of known lines:

* position: the *header* (lines before the first body paragraph) and the *tail* (lines
  after the last one) hold labels, bylines and teasers; the middle holds the body;
* shape: body paragraphs are long and end like sentences; debris is short, has no
  sentence punctuation, is a bare label ("Date:"), a symbol fragment ("+ posts"), or a
  truncated teaser ("... to the investment banking...");
* vocabulary of page furniture: short lines made of words that name page parts or
  calls to action (related, read, share, subscribe, comment, advertisement, ...);
* repetition: a line that repeats the headline (also a near copy of it, or the page
  title's headline part without the site name), or that recurs across articles of the
  same outlet (passed in as `known_boilerplate`);
* pointers and calls to action: a line that starts with a related-content label and a
  colon ("Related: ...", "READ MORE: ...") points to another article; a line that starts
  with an imperative and asks the reader to subscribe, sign up, click or follow is a
  promotion, wherever it stands.

Words are counted for scripts written without spaces too (Chinese, Japanese), so a line of
such text can be a body paragraph.

A line is only removed with a reason; nothing that reads like a body sentence in the
middle of the article is ever dropped.
"""

from __future__ import annotations

import re
from collections import Counter
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
    author authors editor bio about contact us all rights reserved copyright don't miss
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
    cookie cookies privacy enter required copyright rights bio author authors miss
    """.split()
)
# Cue words of a label that announces links to other articles ("Related", "Don't miss").
_LINK_LABEL_CUES = frozenset("related read miss recommended popular trending".split())
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?。！？][\"')\]」』）]*$")
_FULL_STOP_END = re.compile(r"[.。][\"')\]」』）]*$")
_TRUNCATED = re.compile(r"(\.\.\.|…|\[\.\.\.\]|\[…\])\s*$")
_EMPTY_LABEL = re.compile(r"^[\w][\w .'/-]{0,30}:\s*$")
_SYMBOL_FRAGMENT = re.compile(r"^[^\w\s]+\s*\w{0,12}$|^\w{0,12}\s*[^\w\s]+$")
_COPYRIGHT = re.compile(r"^(©|\(c\)|copyright\b)|all rights reserved", re.IGNORECASE)
_BODY_MIN_WORDS = 15
# A publication-date line: "Published 18 November 2019", "- Updated: Nov. 19, 2019 at 5 p.m.".
_DATE_LINE = re.compile(r"^[-–•*]?\s*((first|last)\s+)?(published|updated|posted|modified)\b[^!?]{0,50}\d", re.IGNORECASE)
# The attribution line of an embedded social-media post: "— Name (@handle) November 4, 2019".
_POST_ATTRIBUTION = re.compile(r"^[—–-]\s*\S.{0,80}\(@\w{1,30}\)")
# Scripts written without spaces between words: about two characters a word.
_CJK_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# A label and a colon that point to other content: "Related:", "READ MORE:", "[Related: ...]".
_LABELLED = re.compile(r"^[\[(]?\s*([^\W\d_][^:]{0,30}?)\s*:\s*\S")
POINTER_CUES = frozenset(
    """
    related read more also see watch listen recommended popular trending sponsored sign filed
    tagged don't miss leggi lesen lire voir veja leia lea читайте смотрите
    """.split()
)
_POINTER_WORDS = FURNITURE_WORDS | POINTER_CUES | frozenset("anche su auch sie aussi também también также".split())
# A call to action: an imperative at the start of the line, and what it asks for.
_CTA_START = re.compile(
    r"^(click|tap|subscribe|sign up|follow|get|download|like (this|us|our)|share|email|join|listen|register|stay"
    r"|don't miss|never miss)(?![\w'-])",
    re.IGNORECASE,
)
_CTA_CUE = re.compile(
    r"\b(subscrib\w*|newsletters?|sign(ing)? up|click(ing)? here|tap here|follow (us|him|her|them|me)\b"
    r"|share (it|this)\b|inbox|(the|our) [\w ]{0,30}\bapp\b|on (twitter|facebook|instagram|youtube)\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Cleaned:
    title: str | None
    lines: tuple[str, ...]
    removed: tuple[Removed, ...]


def words(line: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(line)]


def word_count(line: str) -> int:
    """Words separated by spaces, plus about one word per two characters of Chinese or Japanese."""
    return len(line.split()) + len(_CJK_CHAR.findall(line)) // 2


def is_body_paragraph(line: str) -> bool:
    """A line that reads like reporting: long enough and ending like a sentence."""
    n = word_count(line)
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


_TITLE_SEPARATOR = re.compile(r"\s+(?:[|\-–—·•»]|::)\s+")


def like_title(line: str, title: str, *, first: bool = False) -> bool:
    """The headline again: the page title, its headline part without the site name, or a near copy.

    `first` (the first line of the text, headline-sized, not ending with a full stop) also
    accepts a rewritten headline: half of its content words, and half of the title's, shared.
    """
    lw = words(line)
    if not lw or len(lw) > 40:
        return False
    loose = first and len(lw) <= 25 and not _FULL_STOP_END.search(line)
    parts = [title, *(p for p in _TITLE_SEPARATOR.split(title) if len(words(p)) >= 3)]
    for part in parts:
        pw = words(part)
        if not pw:
            continue
        if lw == pw:
            return True
        shared = sum((Counter(lw) & Counter(pw)).values())
        if shared >= 0.75 * len(lw) and shared >= 0.75 * len(pw):
            return True
        if loose:
            lc, pc = Counter(w for w in lw if len(w) >= 4), Counter(w for w in pw if len(w) >= 4)
            common = sum((lc & pc).values())
            if common >= 3 and common >= 0.5 * sum(lc.values()) and common >= 0.5 * sum(pc.values()):
                return True
    return False


def is_pointer(line: str) -> bool:
    """A related-content label and a colon before a link's text: "Related: ...", "READ MORE: ..."."""
    m = _LABELLED.match(line)
    if not m or word_count(line) > 30:
        return False
    label = words(m.group(1))
    return bool(label) and len(label) <= 4 and all(w in _POINTER_WORDS for w in label) and any(w in POINTER_CUES for w in label)


def is_call_to_action(line: str) -> bool:
    """An imperative asking the reader to subscribe, sign up, click or follow: a promotion."""
    return word_count(line) <= 40 and bool(_CTA_START.match(line)) and bool(_CTA_CUE.search(line))


def line_kind(line: str, *, in_body: bool = False) -> str | None:
    """Reason a line is debris wherever it stands, or None.

    `in_body`: the line stands between body paragraphs, where a short line ending with a
    colon usually introduces a list or a quote ("The newly selected five are:") and is
    only a label when it is a single word.
    """
    stripped = line.strip()
    if _COPYRIGHT.search(stripped) and len(stripped.split()) <= 25:
        return "copyright line"
    if _EMPTY_LABEL.match(stripped) and (not in_body or len(stripped.split()) == 1 or is_furniture(stripped)):
        return "empty label"
    if _DATE_LINE.match(stripped) and len(stripped.split()) <= 10 and not is_body_paragraph(stripped):
        return "publication date line"
    if is_pointer(stripped):
        return "link to other content after a related-content label"
    if is_call_to_action(stripped):
        return "call to action (subscribe, sign up, follow, click)"
    if _SYMBOL_FRAGMENT.match(stripped) and len(stripped.split()) <= 2:
        return "author-box or widget fragment"
    if is_furniture(stripped):
        return "page furniture (navigation, share or comment prompt, related-content label)"
    return None


def _title_index(lines: list[str], first_body: int) -> int | None:
    """The headline: the first line before the body with at least four words."""
    for i in range(first_body):
        if word_count(lines[i]) >= 4 and not _TRUNCATED.search(lines[i]) and line_kind(lines[i]) is None:
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
    reasons: dict[int, str] = {}
    if title is not None:
        # The headline at the top of the text, even when it is long or ends with "?" or "!".
        for i, ln in enumerate(lines[:3]):
            if like_title(ln, title, first=i == 0):
                reasons[i] = "headline repeated in the body"
            elif is_body_paragraph(ln):
                break
    body_idx = [i for i, ln in enumerate(lines) if i not in reasons and is_body_paragraph(ln) and not _promotion(ln)]
    first_body = body_idx[0] if body_idx else len(lines)
    last_body = body_idx[-1] if body_idx else -1

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
        n = word_count(ln)
        if title and same_text(ln, title):
            reasons[i] = "headline repeated in the body"
        elif (kind := line_kind(ln)) is not None:
            reasons[i] = kind
        elif n <= 3:
            reasons[i] = "section label or kicker before the headline" if title is None or i < _first_index(lines, title) else "label between headline and body"
        elif n < 6 and not _SENTENCE_END.search(ln):
            reasons[i] = "label between headline and body"
    # Middle: only unmistakable debris, never a sentence of reporting.
    after_link_label = False
    for i in range(first_body, last_body + 1):
        ln = lines[i]
        if i in reasons:
            continue
        if is_body_paragraph(ln) and not _promotion(ln):
            after_link_label = False
            continue
        if title and same_text(ln, title):
            reasons[i] = "headline repeated in the body"
        elif (kind := line_kind(ln, in_body=True)) is not None:
            reasons[i] = kind
            after_link_label = is_furniture(ln) and any(w in _LINK_LABEL_CUES for w in words(ln))
        elif " ".join(words(ln)) in boilerplate:
            reasons[i] = "line repeated across this outlet's articles"
        elif after_link_label and not _SENTENCE_END.search(ln) and word_count(ln) <= 20:
            reasons[i] = "teaser of another article after a related-content label"
        else:
            after_link_label = False
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
        if i == last_body + 1 and kind is None and _TRUNCATED.search(ln) and word_count(ln) >= _BODY_MIN_WORDS:
            continue  # the last paragraph cut short (a paywall, an excerpt), not a teaser
        if kind is None and _POST_ATTRIBUTION.match(ln):
            continue  # an embedded post quoted by the article
        if kind is not None:
            reasons[i] = kind
            in_teasers = in_teasers or "related" in ln.lower() or "read" in ln.lower() or "furniture" in kind
        elif " ".join(words(ln)) in boilerplate:
            reasons[i] = "line repeated across this outlet's articles"
        elif in_teasers and (_TRUNCATED.search(ln) or not _SENTENCE_END.search(ln)):
            reasons[i] = "teaser of another article after a related-content label"
        elif not _SENTENCE_END.search(ln) and word_count(ln) <= 6:
            reasons[i] = "trailing label after the article"
        elif _TRUNCATED.search(ln):
            reasons[i] = "truncated teaser after the article"
    # Teaser blocks that run to the end of the page are debris even when a teaser line
    # ends with a full stop: they follow a related-content label and precede nothing.


def _promotion(line: str) -> bool:
    """A pointer to other content or a call to action, whatever its length."""
    return is_pointer(line) or is_call_to_action(line)


def _first_index(lines: list[str], title: str) -> int:
    for i, ln in enumerate(lines):
        if same_text(ln, title):
            return i
    return -1


def _line_numbers(text: str) -> list[int]:
    """Original line number of each non-empty line, so `Removed.line` points into the input."""
    return [n for n, ln in enumerate(text.split("\n")) if ln.strip()]
