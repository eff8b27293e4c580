"""SQLite store: WAL journal, recorded migrations, one transaction per article or per batch.

Crash safety comes from SQLite itself: every article (row, signature, outlet line
counts) is written in a single transaction, so a kill -9 at any moment leaves either
the whole article or none of it, and the next run adds what is missing. Inside
`Store.batch()` the articles of a whole batch share one transaction (each article
still in its own savepoint), which saves a commit, a WAL append of every touched page
and a full-text index flush per article; a kill -9 then loses the open batch whole.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from storyline.errors import StoreError
from storyline.models import Article, Rejection, Removed
from storyline.store.migrations import MIGRATIONS

log = logging.getLogger(__name__)

_ARTICLE_COLUMNS = (
    "id", "input", "kind", "title", "text", "outlet", "url", "published", "author",
    "language", "removed", "content_hash", "duplicate_of", "syndication_group",
)


class Store:
    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        try:
            self.conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open database {self.path}: {exc}.", fix="Check the path and its permissions, or pass --db.") from exc
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")  # durable against process crashes in WAL mode
        self.conn.execute("PRAGMA foreign_keys=ON")
        self.conn.execute("PRAGMA busy_timeout=30000")
        self._depth = 0  # open transaction() / batch() levels; inner levels are savepoints
        self._migrate()

    # -- lifecycle -------------------------------------------------------------------
    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All or nothing. Inside another transaction (or a batch) it is a savepoint of it."""
        if self._depth:
            name = f"sp{self._depth}"
            self.conn.execute(f"SAVEPOINT {name}")
            self._depth += 1
            try:
                yield self.conn
            except BaseException:
                self.conn.execute(f"ROLLBACK TO {name}")
                self.conn.execute(f"RELEASE {name}")
                raise
            else:
                self.conn.execute(f"RELEASE {name}")
            finally:
                self._depth -= 1
            return
        self.conn.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")
        finally:
            self._depth = 0

    def batch(self) -> AbstractContextManager[sqlite3.Connection]:
        """One transaction around many writes (e.g. a chunk of articles): committed at the end.

        Every write method works inside it; reads on this store see the batch's own
        writes. An exception, or a kill -9, discards the whole batch.
        """
        return self.transaction()

    def _migrate(self) -> None:
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
            " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')))"
        )
        done = {row[0] for row in self.conn.execute("SELECT version FROM schema_migrations")}
        for version, name, sql in MIGRATIONS:
            if version in done:
                continue
            with self.transaction() as conn:
                for statement in sql.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", (version, name))
            log.info("applied migration %d: %s", version, name)

    def migrations(self) -> list[tuple[int, str]]:
        return [(r[0], r[1]) for r in self.conn.execute("SELECT version, name FROM schema_migrations ORDER BY version")]

    # -- articles --------------------------------------------------------------------
    def has_article(self, article_id: str) -> bool:
        return self.conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is not None

    def add_article(self, article: Article, signature: bytes | None = None, shingles: int = 0, lines: Iterable[str] = ()) -> bool:
        """Insert one article with its duplicate signature and outlet line counts; False if already stored."""
        row = _article_row(article)
        with self.transaction() as conn:
            cur = conn.execute(
                f"INSERT OR IGNORE INTO articles ({', '.join(_ARTICLE_COLUMNS)}) VALUES ({', '.join('?' * len(_ARTICLE_COLUMNS))})",
                row,
            )
            if cur.rowcount == 0:
                return False
            if signature is not None:
                conn.execute("INSERT OR REPLACE INTO minhash (article_id, shingles, signature) VALUES (?, ?, ?)", (article.id, shingles, signature))
            if article.outlet:
                conn.executemany(
                    "INSERT INTO outlet_lines (outlet, line, count) VALUES (?, ?, 1)"
                    " ON CONFLICT (outlet, line) DO UPDATE SET count = count + 1",
                    [(article.outlet, ln) for ln in set(lines)],
                )
        return True

    def set_syndication(self, article_id: str, duplicate_of: str | None, group: str | None) -> None:
        with self.transaction() as conn:
            conn.execute("UPDATE articles SET duplicate_of = ?, syndication_group = ? WHERE id = ?", (duplicate_of, group, article_id))

    def get_article(self, article_id: str) -> Article | None:
        row = self.conn.execute(f"SELECT {', '.join(_ARTICLE_COLUMNS)} FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            row = self.conn.execute(
                f"SELECT {', '.join(_ARTICLE_COLUMNS)} FROM articles WHERE id LIKE ? ORDER BY seq LIMIT 2", (article_id + "%",)
            ).fetchall()
            row = row[0] if len(row) == 1 else None
        return _row_article(row) if row is not None else None

    def articles(self, ids: Iterable[str] | None = None, limit: int | None = None) -> list[Article]:
        cols = ", ".join(_ARTICLE_COLUMNS)
        if ids is not None:
            wanted = list(ids)
            out: list[Article] = []
            for start in range(0, len(wanted), 500):
                chunk = wanted[start:start + 500]
                rows = self.conn.execute(f"SELECT {cols} FROM articles WHERE id IN ({','.join('?' * len(chunk))})", chunk).fetchall()
                by_id = {r["id"]: _row_article(r) for r in rows}
                out.extend(by_id[i] for i in chunk if i in by_id)
            return out
        sql = f"SELECT {cols} FROM articles ORDER BY seq" + (" LIMIT ?" if limit else "")
        return [_row_article(r) for r in self.conn.execute(sql, (limit,) if limit else ())]

    def count_articles(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def first_with_hash(self, content_hash: str) -> str | None:
        row = self.conn.execute("SELECT id FROM articles WHERE content_hash = ? ORDER BY seq LIMIT 1", (content_hash,)).fetchone()
        return row[0] if row else None

    def signatures(self) -> Iterator[tuple[str, int, bytes]]:
        yield from self.conn.execute("SELECT article_id, shingles, signature FROM minhash")

    def group_of(self, article_id: str) -> tuple[str | None, str | None]:
        row = self.conn.execute("SELECT duplicate_of, syndication_group FROM articles WHERE id = ?", (article_id,)).fetchone()
        return (row[0], row[1]) if row else (None, None)

    # -- outlet boilerplate ---------------------------------------------------------
    def outlet_boilerplate(self, outlet: str, min_count: int = 3, min_share: float = 0.3) -> set[str]:
        """Short lines that recur in many of one outlet's stored articles."""
        total = self.conn.execute("SELECT COUNT(*) FROM articles WHERE outlet = ?", (outlet,)).fetchone()[0]
        need = max(min_count, int(min_share * total))
        return {r[0] for r in self.conn.execute("SELECT line FROM outlet_lines WHERE outlet = ? AND count >= ?", (outlet, need))}

    def outlet_line_counts(self, outlet: str) -> tuple[int, dict[str, int]]:
        """(stored articles of `outlet`, count of each short line among them): what `outlet_boilerplate` reads."""
        total = self.conn.execute("SELECT COUNT(*) FROM articles WHERE outlet = ?", (outlet,)).fetchone()[0]
        return int(total), {r[0]: int(r[1]) for r in self.conn.execute("SELECT line, count FROM outlet_lines WHERE outlet = ?", (outlet,))}

    # -- rejections -----------------------------------------------------------------
    def add_rejection(self, rejection: Rejection) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT OR IGNORE INTO rejections (input, reason) VALUES (?, ?)", (rejection.input, rejection.reason))

    def rejections(self) -> list[Rejection]:
        return [Rejection(r[0], r[1]) for r in self.conn.execute("SELECT input, reason FROM rejections ORDER BY id")]

    def check_integrity(self) -> str:
        return str(self.conn.execute("PRAGMA integrity_check").fetchone()[0])


def _article_row(a: Article) -> tuple[object, ...]:
    removed = json.dumps([{"text": r.text, "reason": r.reason, "line": r.line} for r in a.removed], ensure_ascii=False)
    return (
        a.id, a.input, a.kind, a.title, a.text, a.outlet, a.url, a.published, a.author,
        a.language, removed, a.content_hash, a.duplicate_of, a.syndication_group,
    )


def _row_article(row: sqlite3.Row) -> Article:
    data = {k: row[k] for k in _ARTICLE_COLUMNS}
    data["removed"] = tuple(Removed(**r) for r in json.loads(data["removed"]))
    return Article(**data)


def cache_get(store: Store, article_ids: list[str], kind: str, version: str) -> dict[str, str]:
    """Cached per-article results (JSON text) of one analyser version."""
    found: dict[str, str] = {}
    for start in range(0, len(article_ids), 500):
        chunk = article_ids[start:start + 500]
        rows = store.conn.execute(
            f"SELECT article_id, data FROM article_cache WHERE kind = ? AND version = ? AND article_id IN ({','.join('?' * len(chunk))})",
            [kind, version, *chunk],
        )
        found.update({r[0]: r[1] for r in rows})
    return found


def cache_put(store: Store, items: dict[str, str], kind: str, version: str) -> None:
    with store.transaction() as conn:
        conn.executemany(
            "INSERT OR REPLACE INTO article_cache (article_id, kind, version, data) VALUES (?, ?, ?, ?)",
            [(aid, kind, version, data) for aid, data in items.items()],
        )
