"""Read model for the HTTP API and the web UI: stories, articles, outlets, full-text search.

Stories are served from `story_documents` (migration 5): one JSON document per story in
the report.json shape (Story fields + cross-source analysis + the member articles), with
a few summary columns for listing and filtering. Serving a story is one indexed read, so
pages stay fast while ingestion runs. `refresh_stories` (run by the ingestion worker)
rebuilds the documents of the stories that new articles touch, using `storyline.cluster`
and `storyline.compare` when they are installed; without them, stories stay empty and
`capabilities()` says why.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import re
from collections.abc import Callable, Iterable
from typing import Any

from storyline.store import Store

log = logging.getLogger(__name__)

_ID = re.compile(r"^[0-9A-Za-z_.:-]{1,80}$")
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_WORDS = 16
SNIPPET_OPEN, SNIPPET_CLOSE = "\x02", "\x03"
STORY_HITS = 200  # stories of a search are those of its best-ranked articles

STORY_SUMMARY_COLUMNS = (
    "id", "title", "date", "first_seen", "last_seen", "n_articles", "independent_sources",
    "n_claims", "n_corroborated", "n_contested", "outlets",
)
ARTICLE_SUMMARY_COLUMNS = ("id", "title", "outlet", "url", "published", "language", "duplicate_of", "syndication_group")


# -- capabilities -------------------------------------------------------------------

def _has(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def capabilities() -> dict[str, Any]:
    """Which optional stages are installed, and what is missing without them."""
    stories = _has("storyline.cluster") and _has("storyline.compare")
    framing = _has("storyline.framing")
    notes = []
    if not stories:
        notes.append("Story building is not available: the modules storyline.cluster and storyline.compare are not "
                     "installed in this build, so new articles are stored and searchable but not grouped into stories.")
    if not framing:
        notes.append("Framing analysis is not available (storyline.framing is not installed): outlet profiles "
                     "show article counts only.")
    return {"stories": stories, "framing": framing, "notes": notes}


# -- queries ------------------------------------------------------------------------

def valid_id(value: str) -> bool:
    return bool(_ID.match(value))


def fts_query(q: str | None) -> str | None:
    """A safe FTS5 query: the words of `q`, each quoted, all required. None if `q` has no words."""
    if not q:
        return None
    words = _WORD.findall(q)[:MAX_QUERY_WORDS]
    return " ".join(f'"{w}"' for w in words) or None


def _date_filters(column: str, date_from: str | None, date_to: str | None) -> tuple[list[str], list[Any]]:
    """ISO date prefixes: `from` 2025-05 keeps 2025-05-01 and later; `to` 2025-05 keeps all of May."""
    where: list[str] = []
    args: list[Any] = []
    if date_from:
        where.append(f"{column} >= ?")
        args.append(date_from)
    if date_to:
        where.append(f"{column} IS NOT NULL AND substr({column}, 1, ?) <= ?")
        args.extend([len(date_to), date_to])
    return where, args


def _story_summary(row: Any) -> dict[str, Any]:
    data = {k: row[k] for k in STORY_SUMMARY_COLUMNS}
    data["outlets"] = json.loads(data["outlets"] or "[]")
    return data


def list_stories(
    store: Store,
    q: str | None = None,
    outlet: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """Story summaries, newest event first, and the total number matching the filters."""
    where: list[str] = []
    args: list[Any] = []
    if outlet:
        where.append("id IN (SELECT story_id FROM story_document_articles WHERE outlet = ? COLLATE NOCASE)")
        args.append(outlet)
    match = fts_query(q)
    if q is not None and match is None:
        return [], 0
    if match:
        where.append(
            "id IN (SELECT s.story_id FROM story_document_articles s JOIN articles a ON a.id = s.article_id"
            " WHERE a.seq IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?))"
        )
        args.append(match)
    w, a = _date_filters("date", date_from, date_to)
    where += w
    args += a
    clause = (" WHERE " + " AND ".join(where)) if where else ""
    total = store.conn.execute(f"SELECT COUNT(*) FROM story_documents{clause}", args).fetchone()[0]
    rows = store.conn.execute(
        f"SELECT {', '.join(STORY_SUMMARY_COLUMNS)} FROM story_documents{clause}"
        " ORDER BY date DESC, n_articles DESC, id LIMIT ? OFFSET ?",  # NULL dates sort last; served by an index
        [*args, limit, offset],
    ).fetchall()
    return [_story_summary(r) for r in rows], int(total)


def resolve_story_id(store: Store, story_id: str) -> str | None:
    """The full id of a story given its id or a unique prefix of it."""
    if not valid_id(story_id):
        return None
    row = store.conn.execute("SELECT id FROM story_documents WHERE id = ?", (story_id,)).fetchone()
    if row:
        return str(row[0])
    escaped = story_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = store.conn.execute("SELECT id FROM story_documents WHERE id LIKE ? ESCAPE '\\' LIMIT 2", (escaped + "%",)).fetchall()
    return str(rows[0][0]) if len(rows) == 1 else None


def get_story_json(store: Store, story_id: str) -> str | None:
    """The stored story document as JSON text (the fast path of GET /api/stories/{id})."""
    full = resolve_story_id(store, story_id)
    if full is None:
        return None
    row = store.conn.execute("SELECT data FROM story_documents WHERE id = ?", (full,)).fetchone()
    return str(row[0]) if row else None


def get_story(store: Store, story_id: str) -> dict[str, Any] | None:
    """One story in the report.json shape, with its articles and summaries of its related stories."""
    text = get_story_json(store, story_id)
    if text is None:
        return None
    story: dict[str, Any] = json.loads(text)
    related = [r for r in story.get("related_story_ids") or [] if isinstance(r, str) and valid_id(r)]
    story["related"] = story_summaries(store, related)
    return story


def story_summaries(store: Store, ids: list[str]) -> list[dict[str, Any]]:
    if not ids:
        return []
    rows = store.conn.execute(
        f"SELECT {', '.join(STORY_SUMMARY_COLUMNS)} FROM story_documents WHERE id IN ({','.join('?' * len(ids))})", ids
    ).fetchall()
    by_id = {r["id"]: _story_summary(r) for r in rows}
    return [by_id[i] for i in ids if i in by_id]


def count_stories(store: Store) -> int:
    return int(store.conn.execute("SELECT COUNT(*) FROM story_documents").fetchone()[0])


def list_articles(
    store: Store,
    q: str | None = None,
    outlet: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """Article summaries, most recently published first, and the total matching the filters."""
    where: list[str] = []
    args: list[Any] = []
    if outlet:
        where.append("a.outlet = ? COLLATE NOCASE")
        args.append(outlet)
    match = fts_query(q)
    if q is not None and match is None:
        return [], 0
    if match:
        where.append("a.seq IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
        args.append(match)
    w, a = _date_filters("a.published", date_from, date_to)
    where += w
    args += a
    clause = (" WHERE " + " AND ".join(where)) if where else ""
    total = store.conn.execute(f"SELECT COUNT(*) FROM articles a{clause}", args).fetchone()[0]
    cols = ", ".join(f"a.{c}" for c in ARTICLE_SUMMARY_COLUMNS)
    rows = store.conn.execute(
        f"SELECT {cols}, (SELECT story_id FROM story_document_articles s WHERE s.article_id = a.id LIMIT 1) AS story_id"
        f" FROM articles a{clause} ORDER BY a.published IS NULL, a.published DESC, a.seq DESC LIMIT ? OFFSET ?",
        [*args, limit, offset],
    ).fetchall()
    return [dict(r) for r in rows], int(total)


def _cached_framing(store: Store, article_ids: list[str]) -> dict[str, dict[str, Any]]:
    try:
        from storyline.analysis import FRAMING_VERSION
        from storyline.store.sqlite import cache_get
    except ImportError:
        return {}
    return {aid: json.loads(data) for aid, data in cache_get(store, article_ids, "framing", FRAMING_VERSION).items()}


def get_article(store: Store, article_id: str) -> dict[str, Any] | None:
    """One article with its removed debris, its story and (when analysed) its framing."""
    if not valid_id(article_id):
        return None
    article = store.get_article(article_id)
    if article is None:
        return None
    data = article.to_dict()
    data.pop("content_hash", None)
    row = store.conn.execute(
        "SELECT d.id, d.title, d.data FROM story_document_articles s JOIN story_documents d ON d.id = s.story_id"
        " WHERE s.article_id = ? LIMIT 1",
        (article.id,),
    ).fetchone()
    data["story_id"] = row["id"] if row else None
    data["story_title"] = row["title"] if row else None
    framing = _cached_framing(store, [article.id]).get(article.id)
    if framing is None and row is not None:
        for a in json.loads(row["data"]).get("articles") or []:
            if a.get("id") == article.id:
                framing = a.get("framing")
                data["event_date"] = a.get("event_date")
    data["framing"] = framing
    return data


def outlet_profile(store: Store, outlet: str, recent: int = 20) -> dict[str, Any] | None:
    """What is stored from one outlet: counts, dates, stories, recent articles and, when framing
    results exist, a profile over the analysed articles (with how many it rests on)."""
    row = store.conn.execute(
        "SELECT outlet, COUNT(*) AS n, SUM(duplicate_of IS NULL) AS originals, MIN(published) AS first,"
        " MAX(published) AS last FROM articles WHERE outlet = ? COLLATE NOCASE GROUP BY outlet ORDER BY n DESC LIMIT 1",
        (outlet,),
    ).fetchone()
    if row is None:
        return None
    name = row["outlet"]
    articles, _ = list_articles(store, outlet=name, limit=recent)
    story_rows = store.conn.execute(
        f"SELECT {', '.join('d.' + c for c in STORY_SUMMARY_COLUMNS)} FROM story_documents d"
        " WHERE d.id IN (SELECT story_id FROM story_document_articles WHERE outlet = ?)"
        " ORDER BY d.date DESC, d.n_articles DESC, d.id LIMIT ?",
        (name, recent),
    ).fetchall()
    n_stories = store.conn.execute(
        "SELECT COUNT(DISTINCT story_id) FROM story_document_articles WHERE outlet = ?", (name,)
    ).fetchone()[0]
    ids = [r[0] for r in store.conn.execute("SELECT id FROM articles WHERE outlet = ? AND duplicate_of IS NULL", (name,))]
    frames = _cached_framing(store, ids)
    profile: dict[str, Any] | None = None
    note = None
    if not frames:
        note = "No framing results are stored for this outlet's articles yet."
    else:
        try:
            from storyline.framing import outlet_profile as framing_profile  # type: ignore[import-not-found]
        except ImportError:
            note = "Framing analysis is not installed in this build (storyline.framing), so there is no profile."
        else:
            profile = dict(framing_profile([frames[i] for i in ids if i in frames]))
    return {
        "name": name,
        "n_articles": int(row["n"]),
        "n_original_articles": int(row["originals"] or 0),
        "first_published": row["first"],
        "last_published": row["last"],
        "n_stories": int(n_stories),
        "n_framed_articles": len(frames),
        "profile": profile,
        "profile_note": note,
        "stories": [_story_summary(r) for r in story_rows],
        "recent_articles": articles,
    }


def _snippet_parts(snippet: str) -> tuple[str, list[list[int]]]:
    """Split FTS5 snippet markers out: plain text plus [start, end] offsets of the matched words."""
    text: list[str] = []
    marks: list[list[int]] = []
    pos = 0
    start = None
    for ch in snippet:
        if ch == SNIPPET_OPEN:
            start = pos
        elif ch == SNIPPET_CLOSE:
            if start is not None:
                marks.append([start, pos])
            start = None
        else:
            text.append(ch)
            pos += 1
    return "".join(text), marks


def search(store: Store, q: str, limit: int = 20, offset: int = 0) -> dict[str, Any]:
    """Full-text search over article titles and texts, best match first, with the stories they are in."""
    match = fts_query(q)
    if match is None:
        return {"query": q, "total": 0, "articles": [], "stories": []}
    total = store.conn.execute("SELECT COUNT(*) FROM articles_fts WHERE articles_fts MATCH ?", (match,)).fetchone()[0]
    rows = store.conn.execute(
        "SELECT a.id, a.title, a.outlet, a.url, a.published,"
        " snippet(articles_fts, 1, char(2), char(3), '…', 24) AS snip,"
        " (SELECT story_id FROM story_document_articles s WHERE s.article_id = a.id LIMIT 1) AS story_id"
        " FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid"
        " WHERE articles_fts MATCH ? ORDER BY rank LIMIT ? OFFSET ?",  # rank = bm25, title weighted 4x (migration 5)
        (match, limit, offset),
    ).fetchall()
    articles = []
    for r in rows:
        snippet, marks = _snippet_parts(r["snip"] or "")
        articles.append({
            "id": r["id"], "title": r["title"], "outlet": r["outlet"], "url": r["url"], "published": r["published"],
            "story_id": r["story_id"], "snippet": snippet, "snippet_marks": marks,
        })
    story_rows = store.conn.execute(
        f"WITH hits AS (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rank LIMIT {STORY_HITS})"
        f" SELECT {', '.join('d.' + c for c in STORY_SUMMARY_COLUMNS)}, COUNT(*) AS hits"
        " FROM hits JOIN articles a ON a.seq = hits.rowid"
        " JOIN story_document_articles s ON s.article_id = a.id JOIN story_documents d ON d.id = s.story_id"
        " GROUP BY d.id ORDER BY hits DESC, d.date DESC LIMIT 20",
        (match,),
    ).fetchall()
    stories = [{**_story_summary(r), "matching_articles": r["hits"]} for r in story_rows]
    return {"query": q, "total": int(total), "articles": articles, "stories": stories}


# -- writing story documents ------------------------------------------------------

def story_summary_row(story: dict[str, Any]) -> dict[str, Any]:
    claims = story.get("claims") or []
    event = (story.get("event_date") or {}).get("value")
    date = (event or story.get("first_seen") or None)
    return {
        "id": story["id"],
        "title": story.get("title"),
        "date": date[:10] if isinstance(date, str) else None,
        "first_seen": story.get("first_seen"),
        "last_seen": story.get("last_seen"),
        "n_articles": len(story.get("article_ids") or []),
        "independent_sources": story.get("independent_sources"),
        "n_claims": len(claims),
        "n_corroborated": sum(c.get("status") == "corroborated" for c in claims),
        "n_contested": sum(c.get("status") == "contested" for c in claims) + len(story.get("conflicts") or []),
        "outlets": json.dumps(list(story.get("outlets") or []), ensure_ascii=False),
    }


def put_stories(store: Store, stories: Iterable[dict[str, Any]], replace_overlapping: bool = True) -> list[str]:
    """Store story documents (report.json story dicts with an `articles` list).

    With `replace_overlapping`, a stored story that shares an article with a new one but has
    another id (it was merged or split) is removed, so an article is in one story only.
    """
    written: list[str] = []
    with store.transaction() as conn:
        for story in stories:
            if not valid_id(str(story.get("id", ""))):
                raise ValueError(f"story id {story.get('id')!r} is not a valid id")
            article_ids = list(story.get("article_ids") or [])
            outlets = {a.get("id"): a.get("outlet") for a in story.get("articles") or [] if isinstance(a, dict)}
            missing = [aid for aid in article_ids if aid not in outlets]
            for start in range(0, len(missing), 500):
                chunk = missing[start:start + 500]
                for r in conn.execute(f"SELECT id, outlet FROM articles WHERE id IN ({','.join('?' * len(chunk))})", chunk):
                    outlets[r[0]] = r[1]
            if replace_overlapping and article_ids:
                for start in range(0, len(article_ids), 500):
                    chunk = article_ids[start:start + 500]
                    stale = [r[0] for r in conn.execute(
                        f"SELECT DISTINCT story_id FROM story_document_articles WHERE article_id IN ({','.join('?' * len(chunk))})"
                        " AND story_id != ?", [*chunk, story["id"]])]
                    for sid in stale:
                        _delete_story(conn, sid)
            _delete_story(conn, story["id"])
            row = story_summary_row(story)
            row["data"] = json.dumps(story, ensure_ascii=False, separators=(",", ":"))
            conn.execute(
                f"INSERT INTO story_documents ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", list(row.values())
            )
            conn.executemany(
                "INSERT OR IGNORE INTO story_document_articles (story_id, article_id, outlet) VALUES (?, ?, ?)",
                [(story["id"], aid, outlets.get(aid)) for aid in article_ids],
            )
            written.append(story["id"])
    return written


def _delete_story(conn: Any, story_id: str) -> None:
    conn.execute("DELETE FROM story_document_articles WHERE story_id = ?", (story_id,))
    conn.execute("DELETE FROM story_documents WHERE id = ?", (story_id,))


def refresh_stories(
    store: Store, article_ids: list[str] | None = None, on_progress: Callable[[str, int, int], None] | None = None
) -> dict[str, Any]:
    """Rebuild the story documents touched by `article_ids` (all stories when None).

    Returns {"updated": [story ids]} or {"updated": [], "skipped": reason} when story
    building is not installed.
    """
    try:
        from storyline.analysis import analyze
        from storyline.cluster import cluster_store, stories_for  # noqa: F401 - needed by analyze
        from storyline.compare import analyze_story  # noqa: F401 - needed by analyze
    except ImportError as exc:
        return {"updated": [], "skipped": f"Story building is not available in this build ({exc}); "
                "articles are stored and searchable but not grouped into stories."}

    ids = article_ids if article_ids is not None else [r[0] for r in store.conn.execute("SELECT id FROM articles ORDER BY seq")]
    if not ids:
        return {"updated": []}
    report = analyze(store, ids, [], on_progress=on_progress)
    by_id = {a["id"]: a for a in report["articles"]}
    docs = [{**s, "articles": [by_id[aid] for aid in s["article_ids"] if aid in by_id]} for s in report["stories"]]
    updated = put_stories(store, docs)
    if article_ids is None:
        keep = set(updated)
        with store.transaction() as conn:
            for (sid,) in conn.execute("SELECT id FROM story_documents").fetchall():
                if sid not in keep:
                    _delete_story(conn, sid)
    return {"updated": updated}
