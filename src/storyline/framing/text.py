"""Tokens, sentences and quoted spans with character offsets (no models, pure functions).

The framing models are trained and applied on exactly these tokens, so training
(`training/train_framing.py`) and inference share this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A word: letters, optionally joined by hyphens or apostrophes ("left-wing", "don't").
# Numbers are separate tokens; punctuation is not a token.
_TOKEN_RE = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*|\d+(?:[.,]\d+)*")

# Short function words. They are never marked on their own (a phrase may still
# include one between two marked words: "war on Christmas").
STOPWORDS = frozenset(
    """a an the of to in on at by for from with as and or but nor so if than then that this these those
    is are was were be been being am has have had do does did it its it's he she they we i you him her them us me
    his their our my your who whom whose which what when where why how not no also just there here into over
    about after before up down out off s t will would can could may might shall should must""".split()
)


@dataclass(frozen=True)
class Token:
    text: str  # as written
    norm: str  # lower-cased, typographic apostrophe folded
    start: int
    end: int


def normalize_word(word: str) -> str:
    return word.lower().replace("’", "'")


def tokenize(text: str) -> list[Token]:
    return [Token(m.group(0), normalize_word(m.group(0)), m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]


# Direct quotations: straight or typographic double quotes, at most 600 characters.
_QUOTE_RE = re.compile(r'"[^"\n]{1,600}"|“[^”\n]{1,600}”')


def quoted_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _QUOTE_RE.finditer(text)]


def in_spans(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


# --- sentences --------------------------------------------------------------------

_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st gen col lt sgt capt cmdr adm gov sen rep rev hon pres messrs mt ft
    inc ltd co corp jan feb mar apr jun jul aug sep sept oct nov dec vs etc no fig al approx dept est""".split()
)
# A candidate boundary: terminal punctuation, optional closing quotes/brackets, whitespace.
_BOUNDARY_RE = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+)")
_NEXT_START_RE = re.compile(r"\s+[\"'“‘(\[]*[A-Z0-9]")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans `(start, end)` into `text`, whitespace trimmed, in order.

    Lines are treated as hard boundaries (scraped article text keeps one paragraph,
    heading or caption per line); inside a line, a sentence ends at `.`, `!`, `?` or `…`
    (plus closing quotes) followed by whitespace and an upper-case letter or digit,
    except after common abbreviations ("Mr.", "Gen.", "Jan.") and single initials ("U.S.", "J.").
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        line_start = pos
        pos += len(line) + 1
        seg_start = 0
        for m in _BOUNDARY_RE.finditer(line):
            end = m.end()
            if not _NEXT_START_RE.match(line, end):
                continue
            if m.group(0).startswith(".") and _is_abbreviation(line, m.start()):
                continue
            _add_span(spans, line, line_start, seg_start, end)
            seg_start = end
        _add_span(spans, line, line_start, seg_start, len(line))
    return spans


def _is_abbreviation(line: str, dot: int) -> bool:
    i = dot
    while i > 0 and (line[i - 1].isalpha() or line[i - 1] == "."):
        i -= 1
    word = line[i:dot]
    if not word:
        return False
    if len(word) == 1 or "." in word:  # "J." or "U.S."
        return True
    return word.lower() in _ABBREVIATIONS


def _add_span(spans: list[tuple[int, int]], line: str, offset: int, a: int, b: int) -> None:
    seg = line[a:b]
    stripped = seg.strip()
    if not stripped or not any(ch.isalnum() for ch in stripped):
        return
    lead = len(seg) - len(seg.lstrip())
    start = offset + a + lead
    spans.append((start, start + len(stripped)))
