"""Marked phrases of one sentence: the words that make it loaded, each with a category.

Two sources:
- the word model (trained on BABE's biased words): a word is marked when its probability
  reaches `token_threshold` and the sentence's loaded-language score reaches
  `sentence_threshold` (both chosen by cross-validation in training); adjacent marked
  words form one phrase. Function words are never marked, nor capitalised words inside a
  sentence (names, nationalities: BABE marks "Chinese" in "Chinese virus", which would mark
  every neutral report about China) unless they are labels ("Marxist", "Antifa"); a word that
  opens a sentence counts as a name when the rest of the text writes it only capitalised;
- patterns: hedges (a curated part of the shipped MIT list), opinion markers and unattributed assertions
  (`categories.py`). These describe stance, not loadedness, and are not in BABE's gold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

from storyline.framing import categories as cat
from storyline.framing.lexicons import Lexicons, phrase_pattern
from storyline.framing.text import STOPWORDS, Token, in_spans


@dataclass(frozen=True)
class Phrase:
    text: str
    start: int  # character offsets into the text the phrase was found in
    end: int
    category: str
    score: float  # word-model probability (max over the phrase's words); 1.0 for pattern markers
    source: str  # "model" | "pattern"
    in_quote: bool  # inside a direct quotation: the speaker's words, not the outlet's

    def to_dict(self) -> dict[str, object]:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "category": self.category,
            "score": round(self.score, 3),
            "source": self.source,
            "in_quote": self.in_quote,
        }

    def shifted(self, offset: int) -> "Phrase":
        return Phrase(self.text, self.start + offset, self.end + offset, self.category, self.score, self.source, self.in_quote)


def model_phrases(
    text: str,
    tokens: Sequence[Token],
    probs: Sequence[float],
    sentence_score: float,
    token_threshold: float,
    sentence_threshold: float,
    lex: Lexicons,
    quotes: list[tuple[int, int]],
    proper: frozenset[str] = frozenset(),
) -> list[Phrase]:
    """`proper`: words the surrounding text writes capitalised inside sentences and never in
    lower case (see `proper_words`), so that they count as names even opening a sentence."""
    if sentence_score < sentence_threshold:
        return []
    marked = [
        p >= token_threshold
        and t.norm not in STOPWORDS
        and (not (_in_name(tokens, j) or t.norm in proper) or cat.is_label(t.norm))
        for j, (t, p) in enumerate(zip(tokens, probs))
    ]
    groups: list[list[int]] = []
    for j, m in enumerate(marked):
        if not m:
            continue
        if groups and groups[-1][-1] == j - 1 and _only_space_between(text, tokens, j - 1, j):
            groups[-1].append(j)
        else:
            groups.append([j])
    out = []
    for g in groups:
        start, end = tokens[g[0]].start, tokens[g[-1]].end
        words = [tokens[j].norm for j in g]
        out.append(
            Phrase(
                text=text[start:end],
                start=start,
                end=end,
                category=cat.categorize_phrase(words, lex.hyperbolic),
                score=float(max(probs[j] for j in g)),
                source="model",
                in_quote=in_spans(start, quotes),
            )
        )
    return out


def _in_name(tokens: Sequence[Token], j: int) -> bool:
    """A capitalised word inside a sentence, or one opening a run of capitalised words
    ("Chinese President Xi"), is part of a name, not the writer's loaded wording."""
    if not tokens[j].text[:1].isupper():
        return False
    if j > 0:
        return True
    return j + 1 < len(tokens) and tokens[j + 1].text[:1].isupper()


def proper_words(sentences: Sequence[Sequence[Token]]) -> frozenset[str]:
    """Words written capitalised inside a sentence and never in lower case in these sentences:
    names and proper adjectives ("Chinese", "Kremlin"), which a sentence may also open with."""
    capital: set[str] = set()
    lower: set[str] = set()
    for tokens in sentences:
        for j, t in enumerate(tokens):
            if t.text[:1].islower():
                lower.add(t.norm)
            elif j > 0 and t.text[:1].isupper():
                capital.add(t.norm)
    return frozenset(capital - lower)


def _only_space_between(text: str, tokens: Sequence[Token], a: int, b: int) -> bool:
    return text[tokens[a].end : tokens[b].start].strip() == ""


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    return [
        (cat.UNATTRIBUTED, phrase_pattern(cat.ASSERTION_PHRASES)),
        (cat.OPINION, phrase_pattern(cat.OPINION_PHRASES)),
        (cat.HEDGE, phrase_pattern(cat.HEDGE_PHRASES + tuple(sorted(cat.HEDGE_WORDS)))),
    ]


def pattern_phrases(text: str, quotes: list[tuple[int, int]]) -> list[Phrase]:
    out: list[Phrase] = []
    attributed = bool(cat.ATTRIBUTION_RE.search(text))
    for category, pattern in _patterns():
        if category == cat.UNATTRIBUTED and attributed:
            continue
        for m in pattern.finditer(text):
            if category != cat.UNATTRIBUTED and in_spans(m.start(), quotes):
                continue  # a quoted speaker's hedge or opinion is theirs, and already attributed
            out.append(Phrase(m.group(0), m.start(), m.end(), category, 1.0, "pattern", in_spans(m.start(), quotes)))
    return out


def merge_phrases(model: list[Phrase], patterns: list[Phrase]) -> list[Phrase]:
    """Model phrases first; a pattern phrase overlapping a model phrase is dropped."""
    out = list(model)
    for p in patterns:
        if not any(p.start < q.end and q.start < p.end for q in out):
            out.append(p)
    return sorted(out, key=lambda p: (p.start, p.end))
