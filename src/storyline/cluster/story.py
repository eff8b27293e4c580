"""`Story` records built from a fitted `StoryClusterer`, and story arcs.

A story's `independent_sources` counts groups of articles that are not independent of each
other: articles of one outlet, articles in one syndication group, and a copy with its
original (`duplicate_of`) count once; an article with no known outlet counts as its own
source unless it is a copy.

Arcs (`related_story_ids`): two stories are related when their average-linkage similarity
with dates ignored reaches `arc_ratio` of the merge threshold but they were kept apart
(different occurrences of the same kind of event, or a follow-up), and they share a name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from storyline.cluster.core import StoryClusterer
from storyline.models import Article

__all__ = ["Story", "build_stories", "independent_sources", "story_arcs"]


@dataclass(frozen=True)
class Story:
    """All coverage of one event."""

    id: str
    title: str
    article_ids: tuple[str, ...]
    outlets: tuple[str, ...]
    independent_sources: int
    first_seen: str | None
    last_seen: str | None
    related_story_ids: tuple[str, ...] = ()
    event_date: str | None = None  # YYYY-MM-DD, YYYY-MM or YYYY: the date most members point at
    date_precision: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "title": self.title, "article_ids": list(self.article_ids), "outlets": list(self.outlets),
            "independent_sources": self.independent_sources, "first_seen": self.first_seen, "last_seen": self.last_seen,
            "related_story_ids": list(self.related_story_ids), "event_date": self.event_date,
            "date_precision": self.date_precision, **({"extra": self.extra} if self.extra else {}),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Story:
        return cls(
            id=d["id"], title=d.get("title") or "", article_ids=tuple(d.get("article_ids", ())), outlets=tuple(d.get("outlets", ())),
            independent_sources=int(d.get("independent_sources", 0)), first_seen=d.get("first_seen"), last_seen=d.get("last_seen"),
            related_story_ids=tuple(d.get("related_story_ids", ())), event_date=d.get("event_date"),
            date_precision=d.get("date_precision"), extra=dict(d.get("extra", {})),
        )


def independent_sources(members: list[tuple[str, str | None, str | None, str | None]]) -> int:
    """Count of independent sources among (article_id, outlet, duplicate_of, syndication_group)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for aid, outlet, dup, group in members:
        node = "a:" + aid
        find(node)
        if outlet:
            union(node, "o:" + outlet.strip().lower())
        if dup:
            union(node, "a:" + dup)
        if group:
            union(node, "g:" + group)
    return len({find("a:" + aid) for aid, *_ in members})


def _iso(day: int | None) -> str | None:
    return dt.date.fromordinal(day).isoformat() if day is not None else None


def story_arcs(clusterer: StoryClusterer, arc_ratio: float = 0.6, k: int = 10) -> dict[str, list[str]]:
    """Related stories of every story (symmetric), most similar first."""
    related: dict[str, dict[str, float]] = {sid: {} for sid in clusterer.story_ids()}
    for sid in clusterer.story_ids():
        s = clusterer.story_state(sid)
        for other in clusterer.neighbours(sid, k):
            if other == sid or other in related[sid]:
                continue
            o = clusterer.story_state(other)
            if len(s.ent[0]) and len(o.ent[0]):
                shared = np.intersect1d(s.ent[0], o.ent[0], assume_unique=True)
                if len(shared) == 0:
                    continue
            z = clusterer.similarity(sid, other)
            if z >= arc_ratio * clusterer.tau(sid, other):
                related[sid][other] = z
                related[other][sid] = z
    return {sid: [o for o, _ in sorted(r.items(), key=lambda x: -x[1])] for sid, r in related.items()}


def build_stories(
    clusterer: StoryClusterer,
    articles: Mapping[str, Article] | None = None,
    arcs: Mapping[str, list[str]] | None = None,
    story_ids: list[str] | None = None,
) -> list[Story]:
    """`Story` records for the clusterer's stories (all, or `story_ids`), in creation order.

    `articles` (id -> Article) supplies outlets and syndication; without it only what the
    clusterer kept (outlet, source key) is used.
    """
    arcs = story_arcs(clusterer) if arcs is None else arcs
    out = []
    for sid in story_ids or clusterer.story_ids():
        s = clusterer.story_state(sid)
        ids = clusterer.members(sid)
        feats = [clusterer.item_features(a) for a in ids]
        centroid = s.emb / max(float(np.linalg.norm(s.emb)), 1e-9)
        best_title, best_sim = "", -2.0
        for a, f in zip(ids, feats):
            if not f.title:
                continue
            sim = float(clusterer.vector(a) @ centroid)
            if sim > best_sim + 1e-6:
                best_title, best_sim = f.title, sim
        members = []
        for a, f in zip(ids, feats):
            art = articles.get(a) if articles else None
            if art is not None:
                members.append((a, art.outlet, art.duplicate_of, art.syndication_group))
            else:
                members.append((a, f.outlet, None, f.source_key if f.source_key != a else None))
        days = [(f.day, f.day_end, f.precision) for f in feats if f.day is not None]
        first = min((d[0] for d in days), default=None)
        last = max((d[1] for d in days), default=None)
        event_date, precision = _consensus(days)
        out.append(Story(
            id=sid, title=best_title, article_ids=tuple(ids),
            outlets=tuple(sorted({o for _, o, _, _ in members if o})),
            independent_sources=independent_sources(members),
            first_seen=_iso(first), last_seen=_iso(last),
            related_story_ids=tuple(arcs.get(sid, ())), event_date=event_date, date_precision=precision,
        ))
    return out


def _consensus(days: list[tuple[int, int | None, str | None]]) -> tuple[str | None, str | None]:
    """The most precise date most members agree on."""
    if not days:
        return None, None
    from collections import Counter

    by_day = Counter(d for d, _, p in days if p == "day")
    if by_day:
        day, _ = by_day.most_common(1)[0]
        return _iso(day), "day"
    d0 = dt.date.fromordinal(Counter(d for d, _, _ in days).most_common(1)[0][0])
    prec = Counter(p for _, _, p in days).most_common(1)[0][0]
    return (d0.strftime("%Y-%m") if prec == "month" else str(d0.year)), prec
