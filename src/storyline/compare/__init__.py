"""Cross-source comparison of one story: claims, corroboration, conflicts, omissions, briefing.

`analyze_story(articles, analyses)` is a pure function of the story's articles, their
per-article language analyses (`storyline.nlp`) and the packaged MiniLM model.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from storyline.compare.briefing import BriefingParams, write_briefing
from storyline.compare.claims import AlignParams, align_units, build_claims, story_units
from storyline.compare.conflicts import ConflictParams, find_conflicts
from storyline.compare.omissions import OMISSION_THRESHOLD, find_omissions
from storyline.compare.sources import count_sources, source_keys
from storyline.compare.types import (
    BriefingSentence,
    Claim,
    ClaimSentence,
    Conflict,
    ConflictValue,
    Omission,
    StoryAnalysis,
)
from storyline.models import Article
from storyline.nlp.types import ArticleAnalysis, EventDate

log = logging.getLogger(__name__)

__all__ = [
    "analyze_story",
    "StoryAnalysis",
    "Claim",
    "ClaimSentence",
    "Conflict",
    "ConflictValue",
    "Omission",
    "BriefingSentence",
    "AlignParams",
    "ConflictParams",
    "BriefingParams",
    "source_keys",
    "count_sources",
]


def analyze_story(
    articles: list[Article],
    analyses: dict[str, ArticleAnalysis],
    briefing_sentences: int = 5,
    *,
    align: AlignParams | None = None,
    conflict_params: ConflictParams | None = None,
    omission_threshold: float = OMISSION_THRESHOLD,
) -> StoryAnalysis:
    """Compare the articles of one story.

    `analyses` maps article id -> its ArticleAnalysis; an article without one is split into
    sentences by punctuation and has no entities, quotes or quantities.
    """
    articles = list(articles)
    if not articles:
        return StoryAnalysis(event_date=EventDate(None, None, 0.0))
    analyses = {a.id: analyses.get(a.id) or ArticleAnalysis(article_id=a.id) for a in articles}
    keys = source_keys(articles)
    order = {a.id: n for n, a in enumerate(articles)}
    canonical = _canonical_names(analyses)

    event_date, outliers = _story_date(analyses)
    event_year = int(event_date.value[:4]) if event_date.value and event_date.value[:4].isdigit() else None

    su = story_units(articles, analyses, canonical, align)
    groups = align_units(su, align)
    claims = build_claims(groups, su, keys, order)
    conflicts, conflict_units = find_conflicts(su, articles, keys, event_year, conflict_params)

    # Link claims and conflicts; a claim carrying a value of a contradiction is contested.
    claim_of_unit = {k: n for n, (_, units) in enumerate(claims) for k in units}
    claim_conflicts: dict[int, list[str]] = {}
    linked_conflicts: list[Conflict] = []
    for c, units in zip(conflicts, conflict_units):
        cids = sorted({claim_of_unit[k] for k in units if k in claim_of_unit})
        for n in cids:
            claim_conflicts.setdefault(n, []).append(c.id)
        linked_conflicts.append(replace(c, claim_ids=tuple(claims[n][0].id for n in cids)))
    kinds = {c.id: c.kind for c in linked_conflicts}
    conflict_articles: dict[str, set[str]] = {}
    by_conflict = {c.id: c for c in linked_conflicts}
    final_claims: list[tuple[Claim, list[int]]] = []
    for n, (claim, units) in enumerate(claims):
        cids = tuple(claim_conflicts.get(n, ()))
        status = claim.status
        if any(kinds[c] in ("contradiction", "unclear") for c in cids):
            status = "contested"
        final_claims.append((replace(claim, status=status, conflict_ids=cids), units))
        conflict_articles[claim.id] = {v.article_id for c in cids for v in by_conflict[c].values}

    omissions = find_omissions(articles, final_claims, su, conflict_articles, omission_threshold)
    briefing = write_briefing(final_claims, linked_conflicts, su, articles, briefing_sentences)
    return StoryAnalysis(
        event_date=event_date,
        event_date_outliers=tuple(outliers),
        claims=tuple(c for c, _ in final_claims),
        conflicts=tuple(linked_conflicts),
        quotes=tuple(_quotes(articles, analyses, canonical)),
        entities=tuple(_entities(articles, analyses, canonical)),
        quantities=tuple(_quantities(articles, analyses)),
        omissions=tuple(omissions),
        briefing=tuple(briefing),
    )


def _canonical_names(analyses: Mapping[str, ArticleAnalysis]) -> dict[str, str]:
    from storyline.nlp.entities import canonicalize_across

    return canonicalize_across({aid: an.entities for aid, an in analyses.items()})


def _story_date(analyses: Mapping[str, ArticleAnalysis]) -> tuple[EventDate, list[str]]:
    from storyline.nlp.dating import story_event_date

    event, outliers = story_event_date({aid: an.event_date for aid, an in analyses.items()})
    return event, list(outliers)


def _quotes(articles: Sequence[Article], analyses: Mapping[str, ArticleAnalysis], canonical: Mapping[str, str]) -> list[dict[str, Any]]:
    out = []
    for a in articles:
        for q in analyses[a.id].quotes:
            name = q.speaker_canonical or q.speaker
            speaker = canonical.get(name, name) if name else None
            out.append({"speaker": speaker, "text": q.text, "article_id": a.id, "kind": q.kind})
    return out


def _entities(articles: Sequence[Article], analyses: Mapping[str, ArticleAnalysis], canonical: Mapping[str, str]) -> list[dict[str, Any]]:
    labels: dict[str, Counter[str]] = {}
    seen_in: dict[str, list[str]] = {}
    mentions: Counter[str] = Counter()
    for a in articles:
        for m in analyses[a.id].entities:
            name = canonical.get(m.canonical, m.canonical)
            if not name:
                continue
            labels.setdefault(name, Counter())[m.label] += 1
            ids = seen_in.setdefault(name, [])
            if a.id not in ids:
                ids.append(a.id)
            mentions[name] += 1
    names = sorted(seen_in, key=lambda n: (-len(seen_in[n]), -mentions[n], n))
    return [{"name": n, "type": labels[n].most_common(1)[0][0], "article_ids": seen_in[n], "mentions": mentions[n]} for n in names]


def _quantities(articles: Sequence[Article], analyses: Mapping[str, ArticleAnalysis]) -> list[dict[str, Any]]:
    return [
        {"value": q.value, "unit": q.unit, "measure": q.measure, "text": q.text, "article_id": a.id, "kind": q.kind,
         "qualifier": q.qualifier}
        for a in articles
        for q in analyses[a.id].quantities
    ]
