"""A short neutral briefing whose every sentence cites the articles it rests on.

Order of material: corroborated claims (most independent sources first, then earliest in the
articles), conflicts stated neutrally ("Reports differ on X: A gives ...; B gives ..."), then
single-source facts, attributed ("According to <outlet>, ..."). A claim's wording is its
member with the fewest loaded words, and loaded modifiers that can go ("a horrifying
inferno") are dropped. Near-duplicates of a sentence already in the briefing are skipped.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from storyline.compare.claims import StoryUnits, unsupported_figures
from storyline.compare.conflicts import value_text
from storyline.compare.measures import CLASS_LABELS
from storyline.compare.sources import outlet_label
from storyline.compare.text import (
    is_quote_led,
    loaded_words,
    lower_first,
    neutralize,
    starts_with_pronoun,
    word_count,
)
from storyline.compare.types import BriefingSentence, Claim, Conflict
from storyline.models import Article

log = logging.getLogger(__name__)

__all__ = ["BriefingParams", "write_briefing"]


@dataclass(frozen=True)
class BriefingParams:
    duplicate_sim: float = 0.75  # a candidate this similar to a chosen sentence is a duplicate
    max_words: int = 45
    min_words: int = 6


_FRAMING_FAILED: list[str] = []  # why framing scores could not be used in this process (warned once)


def _framing_scorer() -> Callable[[list[str]], list[float]] | None:
    """`storyline.framing.score_sentences` when the framing stage provides it (higher = more loaded)."""
    if _FRAMING_FAILED:
        return None
    try:
        from storyline.framing import score_sentences  # type: ignore[attr-defined]
    except ImportError:
        return None

    def score(texts: list[str]) -> list[float]:
        raw = score_sentences(texts)
        out = []
        for r in raw:
            value = r if isinstance(r, (int, float)) else getattr(r, "score", None)
            if value is None and isinstance(r, Mapping):
                value = r.get("score")
            out.append(float(value or 0.0))
        return out

    return score


def _names(article_ids: Sequence[str], articles: Mapping[str, Article]) -> str:
    names: list[str] = []
    unknown = 0
    for aid in dict.fromkeys(article_ids):
        label = outlet_label(articles.get(aid))
        if label and label not in names:
            names.append(label)
        elif not label:
            unknown += 1
    if unknown:
        names.append(("one report" if not names else "another report") if unknown == 1 else f"{unknown} reports")
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def _conflict_sentence(c: Conflict, articles: Mapping[str, Article]) -> tuple[str, tuple[str, ...]]:
    by_value: dict[str, list[str]] = {}
    labels: dict[str, str] = {}
    for v in c.values:
        key = str(v.value)
        by_value.setdefault(key, []).append(v.article_id)
        # Each source's own words around the figure, quoted; the bare value when they are missing.
        quotable = v.phrase and not loaded_words(v.phrase)
        labels.setdefault(key, f"\"{v.phrase}\"" if quotable else (value_text(v.text, v.unit) if v.text else str(v.value)))
    parts = []
    for k, ids in by_value.items():
        names = _names(ids, articles)
        plural = " and " in names or names[:1].isdigit()
        verb = "wrote" if c.kind == "update" else ("write" if plural else "writes")
        parts.append(f"{names} {verb} {labels[k]}")
    ids = tuple(dict.fromkeys(v.article_id for v in c.values))
    if c.about.startswith(("the ", "a ")):
        about = c.about
    elif c.about.startswith(("number of", "amount of", "date of")) or c.about in CLASS_LABELS.values():
        about = f"the {c.about}"
    else:
        about = f"the figure for {c.about}"
    if c.kind == "update":
        text = f"Reports of {about} changed over time: " + "; ".join(parts) + "."
    else:
        text = f"Reports differ on {about}: " + "; ".join(parts) + "."
    return text[:1].upper() + text[1:], ids


def _claim_text(claim: Claim, su: StoryUnits, units: Sequence[int], loaded: Mapping[int, float]) -> tuple[str, int]:
    """The member wording to use: fewest loaded words (or lowest framing score), not quote- or pronoun-led."""
    group = list(units)

    def key(k: int) -> tuple[float, ...]:
        u = su.units[k]
        return (unsupported_figures(k, group, su), len(loaded_words(u.text)) + loaded.get(k, 0.0), float(is_quote_led(u.text)),
                float(u.text != claim.text), u.order)

    best = min(units, key=key)
    return neutralize(su.units[best].text), best


def _proper_start(text: str, entities: frozenset[str]) -> bool:
    first = text.strip().split()[0].strip("\"“'‘(") if text.strip() else ""
    return any(e.split()[0] == first for e in entities if e)


def write_briefing(
    claims: Sequence[tuple[Claim, Sequence[int]]],
    conflicts: Sequence[Conflict],
    su: StoryUnits,
    articles: Sequence[Article],
    n_sentences: int = 5,
    params: BriefingParams | None = None,
) -> list[BriefingSentence]:
    p = params or BriefingParams()
    if n_sentences <= 0:
        return []
    by_id = {a.id: a for a in articles}
    scorer = _framing_scorer()
    loaded: dict[int, float] = {}
    if scorer is not None and su.units:
        try:
            scores = scorer([u.text for u in su.units])
            loaded = {i: 3.0 * s for i, s in enumerate(scores)}
        except Exception as exc:  # the framing stage is optional here; say once why it was not used
            _FRAMING_FAILED.append(str(exc))
            log.warning("framing.score_sentences failed (%s); using the built-in loaded-word list", exc)
    chosen: list[BriefingSentence] = []
    chosen_units: list[int] = []

    def duplicate(units: Sequence[int]) -> bool:
        if not chosen_units or not units:
            return False
        return float(np.max(su.vectors[list(units)] @ su.vectors[chosen_units].T)) >= p.duplicate_sim

    def usable(k: int) -> bool:
        t = su.units[k].text
        starts_well = t[:1].isupper() or t[:1].isdigit() or (t[:1] in "\"“'‘" and t[1:2].isupper())
        # Self-contained: no pronoun or "Key among them" opening that needs the sentence before.
        return starts_well and not starts_with_pronoun(t) and p.min_words <= word_count(t) <= p.max_words

    conflicted = {cid for c in conflicts for cid in c.claim_ids}
    corroborated = [(c, us) for c, us in claims if c.status == "corroborated" and c.id not in conflicted]
    order = sorted(corroborated, key=lambda cu: (-cu[0].independent_sources, min(su.units[k].position for k in cu[1])))
    ranked_conflicts = sorted(conflicts, key=lambda c: ({"contradiction": 0, "update": 1, "unclear": 2}[c.kind], -len({v.article_id for v in c.values})))
    n_conf = min(len(ranked_conflicts), max(1, n_sentences // 4)) if n_sentences > 1 else 0
    budget = n_sentences - n_conf

    facts: list[BriefingSentence] = []
    for claim, units in order:
        if len(facts) >= budget:
            break
        good = [k for k in units if usable(k) and not is_quote_led(su.units[k].text)] or [k for k in units if usable(k)]
        if not good or duplicate(units):
            continue
        text, k = _claim_text(claim, su, good, loaded)
        if unsupported_figures(k, units, su):
            continue  # every wording adds a figure the other sources do not confirm
        facts.append(BriefingSentence(text=text, article_ids=claim.article_ids, kind="corroborated", claim_ids=(claim.id,)))
        chosen_units.extend(units)
    chosen.extend(facts)

    conflict_sentences: list[BriefingSentence] = []
    for c in ranked_conflicts[: n_conf if facts else len(ranked_conflicts)]:
        if len(chosen) + len(conflict_sentences) >= n_sentences:
            break
        text, ids = _conflict_sentence(c, by_id)
        if ids:
            conflict_sentences.append(BriefingSentence(text=text, article_ids=ids, kind="conflict", claim_ids=c.claim_ids))
    chosen.extend(conflict_sentences)

    # Single-source facts: informative, neutral, self-contained sentences, spread over articles.
    singles = []
    for claim, units in claims:
        if claim.status != "single_source" or claim.conflict_ids:
            continue
        k = units[0]
        u = su.units[k]
        if not usable(k) or is_quote_led(u.text) or starts_with_pronoun(u.text) or len(loaded_words(u.text)) + loaded.get(k, 0.0) > 1:
            continue
        informative = len(u.entities) + 2 * len(u.quantities)
        singles.append((u.position, -informative, claim, k))
    used_articles: dict[str, int] = {}
    while len(chosen) < n_sentences and singles:
        # Facts with names or numbers first; then the earliest from the article used least so far.
        singles.sort(key=lambda x: (x[1] == 0, used_articles.get(x[2].article_ids[0], 0), x[0], x[1]))
        _, _, claim, k = singles.pop(0)
        if duplicate([k]):
            continue
        u = su.units[k]
        body = neutralize(u.text)
        body = lower_first(body, _proper_start(body, u.entities))
        if not re.search(r"[.!?…][\"'”’)]*$", body):
            body = body.rstrip(" ,;:—–") + "."  # a clause cut from a longer sentence
        source = _names(claim.article_ids, by_id)
        if re.search(r"\baccording to\b", body, re.I):  # already attributed: avoid "According to X, ..., according to Y."
            text = f"{source[:1].upper() + source[1:]} reports that {body}"
        else:
            text = f"According to {source}, {body}"
        chosen.append(BriefingSentence(text=text, article_ids=claim.article_ids, kind="single_source", claim_ids=(claim.id,)))
        chosen_units.append(k)
        used_articles[claim.article_ids[0]] = used_articles.get(claim.article_ids[0], 0) + 1
    return [b for b in chosen if b.article_ids][:n_sentences]
