"""Story tables (migration 3): stories, membership, per-article cluster vectors, change log.

Functions over a `Store`'s connection; the clustering logic lives in `storyline.cluster`.
Membership rows carry a global `seq`, the order in which articles were attached, so the
in-memory clusterer can be rebuilt by replaying them in that order.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from storyline.store.sqlite import Store

__all__ = [
    "put_vectors", "get_vectors", "unclustered_ids", "membership", "put_membership", "put_stories",
    "get_stories", "story_ids_for", "add_changes", "changes", "next_seq", "delete_stories",
]


def put_vectors(store: Store, rows: Iterable[tuple[str, str, np.ndarray, str | None, str | None, str | None, dict[str, Any]]]) -> None:
    """(article_id, model, embedding, event_date, precision, date_source, features) rows."""
    with store.transaction() as conn:
        conn.executemany(
            "INSERT OR REPLACE INTO cluster_vectors (article_id, model, embedding, event_date, date_precision, date_source, features)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(a, m, np.asarray(v, dtype=np.float32).tobytes(), d, p, s, json.dumps(f, ensure_ascii=False)) for a, m, v, d, p, s, f in rows],
        )


def get_vectors(store: Store, article_ids: Sequence[str], model: str) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for start in range(0, len(article_ids), 500):
        chunk = list(article_ids[start:start + 500])
        rows = store.conn.execute(
            f"SELECT article_id, embedding FROM cluster_vectors WHERE model = ? AND article_id IN ({','.join('?' * len(chunk))})",
            [model, *chunk],
        )
        out.update({r[0]: np.frombuffer(r[1], dtype=np.float32).copy() for r in rows})
    return out


def unclustered_ids(store: Store) -> list[str]:
    """Stored articles not yet in a story, in ingestion order."""
    rows = store.conn.execute(
        "SELECT a.id FROM articles a LEFT JOIN story_members m ON m.article_id = a.id WHERE m.article_id IS NULL ORDER BY a.seq"
    )
    return [r[0] for r in rows]


def membership(store: Store) -> Iterator[tuple[str, str, int]]:
    """(article_id, story_id, seq) in attach order."""
    yield from store.conn.execute("SELECT article_id, story_id, seq FROM story_members ORDER BY seq")


def next_seq(store: Store) -> int:
    row = store.conn.execute("SELECT COALESCE(MAX(seq), -1) + 1 FROM story_members").fetchone()
    return int(row[0])


def put_membership(store: Store, rows: Iterable[tuple[str, str, int]]) -> None:
    """Insert or move (article_id, story_id, seq); an existing article keeps its original seq."""
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO story_members (article_id, story_id, seq) VALUES (?, ?, ?)"
            " ON CONFLICT (article_id) DO UPDATE SET story_id = excluded.story_id",
            list(rows),
        )


def put_stories(store: Store, stories: Iterable[dict[str, Any]], seqs: dict[str, int]) -> None:
    """Insert or replace stories given as `Story.to_dict()` dicts."""
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO stories (id, seq, title, size, first_seen, last_seen, data) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET title = excluded.title, size = excluded.size, first_seen = excluded.first_seen,"
            " last_seen = excluded.last_seen, data = excluded.data, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ','now')",
            [(d["id"], seqs.get(d["id"], 0), d.get("title"), len(d.get("article_ids", ())), d.get("first_seen"), d.get("last_seen"),
              json.dumps(d, ensure_ascii=False)) for d in stories],
        )


def delete_stories(store: Store, story_ids: Iterable[str]) -> None:
    with store.transaction() as conn:
        conn.executemany("DELETE FROM stories WHERE id = ?", [(s,) for s in story_ids])


def get_stories(store: Store, story_ids: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Stored story dicts, in creation order (all, or the given ids)."""
    if story_ids is None:
        return [json.loads(r[0]) for r in store.conn.execute("SELECT data FROM stories ORDER BY seq")]
    out: list[tuple[int, dict[str, Any]]] = []
    ids = list(dict.fromkeys(story_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        rows = store.conn.execute(f"SELECT seq, data FROM stories WHERE id IN ({','.join('?' * len(chunk))})", chunk)
        out.extend((r[0], json.loads(r[1])) for r in rows)
    return [d for _, d in sorted(out, key=lambda x: x[0])]


def story_ids_for(store: Store, article_ids: Sequence[str]) -> list[str]:
    found: dict[str, str] = {}
    for start in range(0, len(article_ids), 500):
        chunk = list(article_ids[start:start + 500])
        rows = store.conn.execute(
            f"SELECT article_id, story_id FROM story_members WHERE article_id IN ({','.join('?' * len(chunk))})", chunk)
        found.update({r[0]: r[1] for r in rows})
    return list(dict.fromkeys(found[a] for a in article_ids if a in found))


def add_changes(store: Store, changes: Iterable[dict[str, Any]]) -> None:
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO story_changes (kind, story_id, other_story_id, article_id, detail) VALUES (?, ?, ?, ?, ?)",
            [(c["kind"], c["story_id"], c.get("other_story_id"), c.get("article_id"), c.get("detail", "")) for c in changes],
        )


def changes(store: Store, story_id: str | None = None, kinds: Sequence[str] | None = None) -> list[dict[str, Any]]:
    sql = "SELECT id, at, kind, story_id, other_story_id, article_id, detail FROM story_changes"
    where, args = [], []
    if story_id is not None:
        where.append("(story_id = ? OR other_story_id = ?)")
        args += [story_id, story_id]
    if kinds:
        where.append(f"kind IN ({','.join('?' * len(kinds))})")
        args += list(kinds)
    if where:
        sql += " WHERE " + " AND ".join(where)
    cols = ("id", "at", "kind", "story_id", "other_story_id", "article_id", "detail")
    return [dict(zip(cols, r)) for r in store.conn.execute(sql + " ORDER BY id", args)]
