"""Stories in the store: attach new articles incrementally, read stories back.

`cluster_store(store)` rebuilds the clusterer by replaying the stored membership in attach
order (features are recomputed from the text, embeddings read from `cluster_vectors`), then
attaches every stored article that is not in a story yet, in date order, and writes the
membership, the stories and the change log. Story ids of existing stories never change;
only `consolidate_store` (on demand) merges, moves or splits, and it logs what it did.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from storyline.cluster.core import EventDates, StoryClusterer, StoryChange, _date_key, arrival_key, restore
from storyline.cluster.features import article_features, embedding_text
from storyline.cluster.story import Story, build_stories
from storyline.models import Article
from storyline.store import Store
from storyline.store import stories as db

log = logging.getLogger(__name__)

__all__ = ["cluster_store", "stories_for", "consolidate_store", "load_clusterer", "VECTOR_MODEL"]

VECTOR_MODEL = "all-MiniLM-L6-v2:headline+lead1500"
Progress = Callable[[int, str], None]


def _embed(articles: Sequence[Article], embedder: Callable[[list[str]], np.ndarray] | None) -> np.ndarray:
    if embedder is None:
        from storyline.models_registry import embed as embedder
    return np.asarray(embedder([embedding_text(a) for a in articles]), dtype=np.float32)


def load_clusterer(
    store: Store,
    clusterer: StoryClusterer | None = None,
    embedder: Callable[[list[str]], np.ndarray] | None = None,
) -> tuple[StoryClusterer, dict[str, Article]]:
    """The clusterer as the last run left it, rebuilt from the store; and the clustered articles."""
    cl = clusterer or StoryClusterer(embedder=embedder)
    rows = list(db.membership(store))
    ids = [r[0] for r in rows]
    articles = {a.id: a for a in store.articles(ids)}
    vectors = db.get_vectors(store, ids, VECTOR_MODEL)
    missing = [articles[a] for a in ids if a not in vectors and a in articles]
    if missing:
        _save_vectors(store, missing, _embed(missing, embedder or cl.embedder), cl, None)
        vectors = db.get_vectors(store, ids, VECTOR_MODEL)
    overrides = _overrides(store, ids)
    for aid, sid, _ in rows:
        art = articles.get(aid)
        if art is None:
            continue
        feats = article_features(art, overrides.get(aid), cl.use_published, cl.use_text_dates)
        restore(cl, feats, vectors[aid], sid, _date_key(art, overrides))
    return cl, articles


def _overrides(store: Store, ids: Sequence[str]) -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for start in range(0, len(ids), 500):
        chunk = list(ids[start:start + 500])
        rows = store.conn.execute(
            "SELECT article_id, event_date, date_precision FROM cluster_vectors WHERE date_source = 'override'"
            f" AND article_id IN ({','.join('?' * len(chunk))})", chunk)
        out.update({r[0]: (r[1], r[2]) for r in rows})
    return out


def _save_vectors(store: Store, articles: Sequence[Article], emb: np.ndarray, cl: StoryClusterer,
                  event_dates: EventDates | None) -> None:
    rows = []
    for a, v in zip(articles, emb):
        f = article_features(a, (event_dates or {}).get(a.id), cl.use_published, cl.use_text_dates)
        import datetime as dt

        day = dt.date.fromordinal(f.day).isoformat() if f.day is not None else None
        rows.append((a.id, VECTOR_MODEL, v, day, f.precision, f.date_source,
                     {"date_confidence": f.date_confidence, "date_evidence": list(f.date_evidence)}))
    db.put_vectors(store, rows)


def cluster_store(
    store: Store,
    on_progress: Progress | None = None,
    *,
    clusterer: StoryClusterer | None = None,
    event_dates: EventDates | None = None,
    consolidate: bool = False,
    embedder: Callable[[list[str]], np.ndarray] | None = None,
    batch_size: int = 256,
) -> list[Story]:
    """Attach every stored article not yet in a story; return all stories (creation order).

    `on_progress(done, article_id)` is called after each attached article. `event_dates`
    (article id -> (date, precision)) overrides published and text dates. With
    `consolidate=True` a merge/split pass runs afterwards (see `consolidate_store`).
    """
    cl, articles = load_clusterer(store, clusterer, embedder)
    new = store.articles(db.unclustered_ids(store))
    new.sort(key=lambda a: arrival_key(a, event_dates))  # stable: ingestion order within a day
    seq = db.next_seq(store)
    done = 0
    for start in range(0, len(new), batch_size):
        chunk = new[start:start + batch_size]
        emb = _embed(chunk, embedder or cl.embedder)
        _save_vectors(store, chunk, emb, cl, event_dates)
        before = len(cl.log_)
        labels = cl.partial_fit(chunk, emb, event_dates)
        db.put_membership(store, [(a.id, sid, seq + i) for i, (a, sid) in enumerate(zip(chunk, labels))])
        db.add_changes(store, [c.to_dict() for c in cl.log_[before:]])
        seq += len(chunk)
        for a in chunk:
            articles[a.id] = a
            done += 1
            if on_progress:
                on_progress(done, a.id)
    if consolidate:
        _consolidate(store, cl)
    stories = build_stories(cl, articles)
    db.put_stories(store, [s.to_dict() for s in stories], {sid: i for i, sid in enumerate(cl.story_ids())})
    return stories


def _consolidate(store: Store, cl: StoryClusterer) -> list[StoryChange]:
    before = {it.id: it.story for it in cl.items()}
    changes = cl.consolidate()
    moved = [(it.id, it.story, 0) for it in cl.items() if before.get(it.id) != it.story]
    if moved:
        db.put_membership(store, moved)
    gone = [c.other_story_id for c in changes if c.kind == "merge" and c.other_story_id]
    alive = set(cl.story_ids())
    db.delete_stories(store, [g for g in gone if g not in alive] + [s for s in set(before.values()) if s not in alive])
    db.add_changes(store, [c.to_dict() for c in changes])
    return changes


def consolidate_store(store: Store, clusterer: StoryClusterer | None = None,
                      embedder: Callable[[list[str]], np.ndarray] | None = None) -> list[StoryChange]:
    """On-demand pass over the stored stories: merge, move, split; logs and returns the changes."""
    cl, articles = load_clusterer(store, clusterer, embedder)
    changes = _consolidate(store, cl)
    stories = build_stories(cl, articles)
    db.put_stories(store, [s.to_dict() for s in stories], {sid: i for i, sid in enumerate(cl.story_ids())})
    return changes


def stories_for(store: Store, article_ids: Sequence[str]) -> list[Story]:
    """The stored stories that contain any of `article_ids` (as of the last `cluster_store`)."""
    return [Story.from_dict(d) for d in db.get_stories(store, db.story_ids_for(store, list(article_ids)))]


def all_stories(store: Store) -> list[Story]:
    return [Story.from_dict(d) for d in db.get_stories(store)]


def story_changes(store: Store, story_id: str | None = None) -> list[dict[str, Any]]:
    return db.changes(store, story_id)


