"""Schema migrations, applied in order, each in its own transaction and recorded."""

from __future__ import annotations

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
]
