"""Schema migrations, applied in order, each in its own transaction and recorded."""

from __future__ import annotations

import sqlite3


class _Statements(str):
    """SQL text whose `split(";")` keeps each complete statement whole.

    The runner executes `sql.split(";")` piece by piece, which would cut a trigger
    body (`BEGIN ...; ...; END`) apart. This splits only where SQLite itself says a
    statement is complete, so triggers survive; plain migrations are unaffected.
    """

    def split(self, sep: str | None = None, maxsplit: int = -1) -> list[str]:  # type: ignore[override]
        if sep != ";" or maxsplit != -1:
            return super().split(sep, maxsplit)
        statements: list[str] = []
        pending = ""
        for piece in str.split(self, ";"):
            pending += piece + ";"
            if sqlite3.complete_statement(pending):
                statements.append(pending[:-1])
                pending = ""
        if pending.strip().rstrip(";").strip():
            statements.append(pending.rstrip(";"))
        return statements


MIGRATIONS: list[tuple[int, str, str]] = [
    (
        1,
        "articles, rejections, duplicate signatures, outlet line statistics",
        """
        CREATE TABLE articles (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            input TEXT NOT NULL,
            kind TEXT NOT NULL,
            title TEXT,
            text TEXT NOT NULL,
            outlet TEXT,
            url TEXT,
            published TEXT,
            author TEXT,
            language TEXT,
            removed TEXT NOT NULL DEFAULT '[]',
            content_hash TEXT NOT NULL,
            duplicate_of TEXT,
            syndication_group TEXT,
            ingested_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
        );
        CREATE INDEX articles_hash ON articles(content_hash);
        CREATE INDEX articles_outlet ON articles(outlet);
        CREATE INDEX articles_group ON articles(syndication_group);
        CREATE TABLE rejections (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            input TEXT NOT NULL,
            reason TEXT NOT NULL,
            at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
            UNIQUE (input, reason)
        );
        CREATE TABLE minhash (
            article_id TEXT PRIMARY KEY REFERENCES articles(id),
            shingles INTEGER NOT NULL,
            signature BLOB NOT NULL
        );
        CREATE TABLE outlet_lines (
            outlet TEXT NOT NULL,
            line TEXT NOT NULL,
            count INTEGER NOT NULL,
            PRIMARY KEY (outlet, line)
        );
        """,
    ),
    (
        3,
        "stories: stories, story membership, per-article cluster vectors, story change log",
        """
        CREATE TABLE stories (
            id TEXT PRIMARY KEY,
            seq INTEGER NOT NULL,
            title TEXT,
            size INTEGER NOT NULL DEFAULT 0,
            first_seen TEXT,
            last_seen TEXT,
            data TEXT NOT NULL DEFAULT '{}',
            updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
        );
        CREATE TABLE story_members (
            article_id TEXT PRIMARY KEY REFERENCES articles(id),
            story_id TEXT NOT NULL,
            seq INTEGER NOT NULL
        );
        CREATE INDEX story_members_story ON story_members(story_id);
        CREATE INDEX story_members_seq ON story_members(seq);
        CREATE TABLE cluster_vectors (
            article_id TEXT PRIMARY KEY REFERENCES articles(id),
            model TEXT NOT NULL,
            embedding BLOB NOT NULL,
            event_date TEXT,
            date_precision TEXT,
            date_source TEXT,
            features TEXT NOT NULL DEFAULT '{}'
        );
        CREATE TABLE story_changes (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),
            kind TEXT NOT NULL,
            story_id TEXT NOT NULL,
            other_story_id TEXT,
            article_id TEXT,
            detail TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX story_changes_story ON story_changes(story_id);
        """,
    ),
    (
        4,
        "per-article analysis cache (language analysis, framing), keyed by analyser version",
        """
        CREATE TABLE article_cache (
            article_id TEXT NOT NULL REFERENCES articles(id),
            kind TEXT NOT NULL,
            version TEXT NOT NULL,
            data TEXT NOT NULL,
            PRIMARY KEY (article_id, kind)
        );
        """,
    ),
    (
        5,
        "full-text search over article titles and texts (FTS5 kept in step by triggers); story documents served by the API",
        _Statements(
            """
        CREATE VIRTUAL TABLE articles_fts USING fts5(
            title, text, content='articles', content_rowid='seq', tokenize='unicode61 remove_diacritics 2'
        );
        INSERT INTO articles_fts (articles_fts, rank) VALUES ('rank', 'bm25(4.0, 1.0)');
        INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');
        CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
            INSERT INTO articles_fts (rowid, title, text) VALUES (new.seq, new.title, new.text);
        END;
        CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
            INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.seq, old.title, old.text);
        END;
        CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
            INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.seq, old.title, old.text);
            INSERT INTO articles_fts (rowid, title, text) VALUES (new.seq, new.title, new.text);
        END;
        CREATE TABLE story_documents (
            id TEXT PRIMARY KEY,
            title TEXT,
            date TEXT,
            first_seen TEXT,
            last_seen TEXT,
            n_articles INTEGER NOT NULL,
            independent_sources INTEGER,
            n_claims INTEGER NOT NULL DEFAULT 0,
            n_corroborated INTEGER NOT NULL DEFAULT 0,
            n_contested INTEGER NOT NULL DEFAULT 0,
            outlets TEXT NOT NULL DEFAULT '[]',
            data TEXT NOT NULL,
            updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))
        );
        CREATE INDEX story_documents_order ON story_documents(date DESC, n_articles DESC, id);
        CREATE TABLE story_document_articles (
            story_id TEXT NOT NULL REFERENCES story_documents(id) ON DELETE CASCADE,
            article_id TEXT NOT NULL,
            outlet TEXT,
            PRIMARY KEY (story_id, article_id)
        );
        CREATE INDEX story_document_articles_article ON story_document_articles(article_id);
        CREATE INDEX story_document_articles_outlet ON story_document_articles(outlet);
        """
        ),
    ),
]
